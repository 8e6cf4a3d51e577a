export { type OpenTelemetryObserverOptions, openTelemetryObserver } from "./open-telemetry-observer.js";
