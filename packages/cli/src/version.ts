import packageJson from "../package.json" with { type: "json" };

/** The version of `@responses-bridge/cli`. */
export const VERSION: string = packageJson.version;
