/** The model name the mock serves (any name works; this one is listed by `GET /v1/models`). */
export const MOCK_MODEL = "mock";

/** The cues the mock model acts on, as shown by `--help` and the README. */
export const MOCK_CUES: readonly { cue: string; effect: string }[] = [
  { cue: "run: <command>", effect: "calls exec_command with that command, then reports its output" },
  { cue: "create <file>: <text>", effect: "calls apply_patch to add <file> containing <text>" },
  { cue: "patch <file>: <old> => <new>", effect: "calls apply_patch to replace the line <old> with <new>" },
  { cue: "fail <status>", effect: "answers with that HTTP error (500, 429, ...)" },
  { cue: "slow", effect: "streams its answer slowly (try Ctrl-C: the stream still finishes)" },
  { cue: "anything else", effect: "a short text answer listing these cues" },
];
