export { type ResponsesPluginOptions, responsesPlugin } from "./responses-plugin.js";
