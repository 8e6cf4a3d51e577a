/** The command that regenerates the API report. */
export declare const UPDATE_COMMAND: string;
/** The API reports (`api/<package>.api.md` → text) generated from the sources under `root` (default: the repository). */
export declare function generateApiReports(root?: string): Map<string, string>;
