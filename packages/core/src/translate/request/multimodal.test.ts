import { describe, expect, it } from "vitest";
import { ResponsesBridgeError } from "../../errors.js";
import { type ContentOptions, convertToolOutput, convertUserContent, flattenText } from "./multimodal.js";

const withFiles: ContentOptions = { fileParts: true };
const withoutFiles: ContentOptions = { fileParts: false };
const text = (value: string) => ({ type: "input_text", text: value });
const base64 = (value: string) => btoa(value);

function rejection(run: () => unknown) {
  try {
    run();
  } catch (error) {
    if (!ResponsesBridgeError.isInstance(error)) throw error;
    return { status: error.status, param: error.param, code: error.code, message: error.message };
  }
  throw new Error("expected a rejection");
}

describe("convertUserContent", () => {
  it.each<{ rule: string; content: string | unknown[]; options?: ContentOptions; expected: unknown }>([
    { rule: "a string -> the same string", content: "hi", expected: "hi" },
    {
      rule: "text parts only -> one string joined by a blank line",
      content: [text("a"), { type: "output_text", text: "b" }, { type: "refusal", refusal: "c" }],
      expected: "a\n\nb\n\nc",
    },
    {
      rule: "input_image URL + detail -> image_url part; text parts stay separate parts",
      content: [
        text("what is this?"),
        { type: "input_image", image_url: "https://x.test/a.png", detail: "high" },
      ],
      expected: [
        { type: "text", text: "what is this?" },
        { type: "image_url", image_url: { url: "https://x.test/a.png", detail: "high" } },
      ],
    },
    {
      rule: "input_image data URL, detail auto / low",
      content: [
        { type: "input_image", image_url: "data:image/png;base64,AAAA", detail: "auto" },
        { type: "input_image", image_url: "data:image/jpeg;base64,BBBB", detail: "low" },
      ],
      expected: [
        { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "auto" } },
        { type: "image_url", image_url: { url: "data:image/jpeg;base64,BBBB", detail: "low" } },
      ],
    },
    {
      rule: "input_image detail 'original' -> 'high'; no detail -> none; unknown detail -> none",
      content: [
        { type: "input_image", image_url: "u1", detail: "original" },
        { type: "input_image", image_url: "u2" },
        { type: "input_image", image_url: "u3", detail: "ultra" },
      ],
      expected: [
        { type: "image_url", image_url: { url: "u1", detail: "high" } },
        { type: "image_url", image_url: { url: "u2" } },
        { type: "image_url", image_url: { url: "u3" } },
      ],
    },
    {
      rule: "input_image with image_url and file_id -> the URL is used",
      content: [{ type: "input_image", image_url: "u1", file_id: "file_1", detail: "low" }],
      expected: [{ type: "image_url", image_url: { url: "u1", detail: "low" } }],
    },
    {
      rule: "input_file data URL + filename -> file part",
      content: [{ type: "input_file", file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" }],
      expected: [
        { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" } },
      ],
    },
    {
      rule: "input_file raw base64 -> wrapped in a data URL typed by the file extension",
      content: [{ type: "input_file", file_data: "JVBERi0=", filename: "report.PDF" }],
      expected: [
        { type: "file", file: { file_data: "data:application/pdf;base64,JVBERi0=", filename: "report.PDF" } },
      ],
    },
    {
      rule: "input_file raw base64 without filename -> application/octet-stream data URL",
      content: [{ type: "input_file", file_data: "AAEC" }],
      expected: [{ type: "file", file: { file_data: "data:application/octet-stream;base64,AAEC" } }],
    },
    {
      rule: "input_file file_url -> file part with the URL as file_data (never fetched)",
      content: [{ type: "input_file", file_url: "https://x.test/a.pdf", filename: "a.pdf" }],
      expected: [{ type: "file", file: { file_data: "https://x.test/a.pdf", filename: "a.pdf" } }],
    },
    {
      rule: "fileParts false: a text/plain data URL -> inlined text (all text -> one string)",
      content: [
        text("summarise"),
        { type: "input_file", file_data: `data:text/plain;base64,${base64("hello")}`, filename: "a.txt" },
      ],
      options: withoutFiles,
      expected: 'summarise\n\n<file name="a.txt">\nhello\n</file>',
    },
    {
      rule: "fileParts false: application/json, text/csv, text/markdown -> inlined",
      content: [
        { type: "input_file", file_data: `data:application/json;base64,${base64('{"a":1}')}` },
        { type: "input_file", file_data: `data:text/csv;base64,${base64("a,b")}`, filename: "t.csv" },
        {
          type: "input_file",
          file_data: `data:text/markdown;charset=utf-8;base64,${base64("# T")}`,
          filename: "r.md",
        },
      ],
      options: withoutFiles,
      expected:
        '<file>\n{"a":1}\n</file>\n\n<file name="t.csv">\na,b\n</file>\n\n<file name="r.md">\n# T\n</file>',
    },
    {
      rule: "fileParts false: raw base64 with a text extension, or UTF-8 text without a type -> inlined",
      content: [
        { type: "input_file", file_data: base64("x = 1"), filename: "main.py" },
        { type: "input_file", file_data: base64("plain") },
      ],
      options: withoutFiles,
      expected: '<file name="main.py">\nx = 1\n</file>\n\n<file>\nplain\n</file>',
    },
    {
      rule: "fileParts false: a percent-encoded (non-base64) data URL -> inlined; UTF-8 kept",
      content: [{ type: "input_file", file_data: "data:text/plain,caf%C3%A9", filename: 'say "hi".txt' }],
      options: withoutFiles,
      expected: "<file name=\"say 'hi'.txt\">\ncafé\n</file>",
    },
    {
      rule: "fileParts false: images are still image parts",
      content: [
        { type: "input_file", file_data: `data:text/plain;base64,${base64("t")}` },
        { type: "input_image", image_url: "u" },
      ],
      options: withoutFiles,
      expected: [
        { type: "text", text: "<file>\nt\n</file>" },
        { type: "image_url", image_url: { url: "u" } },
      ],
    },
  ])("$rule", ({ content, options, expected }) => {
    expect(convertUserContent(content, "input.0.content", options ?? withFiles)).toEqual(expected);
  });

  it.each<{
    rule: string;
    content: unknown[];
    options?: ContentOptions;
    param: string;
    code: string;
    message: string;
  }>([
    {
      rule: "an image given by file_id",
      content: [{ type: "input_image", file_id: "file_1", detail: "auto" }],
      param: "input.0.content.0.file_id",
      code: "unsupported_value",
      message:
        "File ids are not supported by this server (it has no Files API); send the image as 'image_url' (a URL or a base64 data URL) instead.",
    },
    {
      rule: "an image without image_url",
      content: [{ type: "input_image", detail: "auto" }],
      param: "input.0.content.0.image_url",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.content.0.image_url'.",
    },
    {
      rule: "a file given by file_id",
      content: [{ type: "input_file", file_id: "file_1" }],
      param: "input.0.content.0.file_id",
      code: "unsupported_value",
      message:
        "File ids are not supported by this server (it has no Files API); send the file as 'file_data' (a base64 data URL) instead.",
    },
    {
      rule: "a file without data",
      content: [{ type: "input_file", filename: "a.txt" }],
      param: "input.0.content.0.file_data",
      code: "missing_required_parameter",
      message: "Missing required parameter: 'input.0.content.0.file_data'.",
    },
    {
      rule: "fileParts false: a PDF",
      content: [{ type: "input_file", file_data: "data:application/pdf;base64,JVBERi0=", filename: "a.pdf" }],
      options: withoutFiles,
      param: "input.0.content.0.file_data",
      code: "unsupported_value",
      message:
        "File 'a.pdf' (application/pdf) cannot be sent: this server's chat backend takes no file parts, and only text files can be inlined as text.",
    },
    {
      rule: "fileParts false: raw base64 that is not UTF-8",
      content: [{ type: "input_file", file_data: btoa("\u00ff\u00fe\u0000") }],
      options: withoutFiles,
      param: "input.0.content.0.file_data",
      code: "unsupported_value",
      message:
        "The file cannot be sent: this server's chat backend takes no file parts, and only text files can be inlined as text.",
    },
    {
      rule: "fileParts false: raw base64 holding NUL bytes",
      content: [{ type: "input_file", file_data: btoa("ab\u0000cd"), filename: "blob.bin" }],
      options: withoutFiles,
      param: "input.0.content.0.file_data",
      code: "unsupported_value",
      message:
        "File 'blob.bin' cannot be sent: this server's chat backend takes no file parts, and only text files can be inlined as text.",
    },
    {
      rule: "fileParts false: invalid base64",
      content: [{ type: "input_file", file_data: "data:text/plain;base64,%%%", filename: "a.txt" }],
      options: withoutFiles,
      param: "input.0.content.0.file_data",
      code: "unsupported_value",
      message:
        "File 'a.txt' (text/plain) cannot be sent: this server's chat backend takes no file parts, and only text files can be inlined as text.",
    },
    {
      rule: "fileParts false: a file_url (never fetched)",
      content: [{ type: "input_file", file_url: "https://x.test/a.txt" }],
      options: withoutFiles,
      param: "input.0.content.0.file_url",
      code: "unsupported_value",
      message:
        "File URLs are not supported by this server's chat backend (it takes no file parts, and this server never fetches URLs); send the file's content as 'file_data'.",
    },
    {
      rule: "an unknown part type (store items are not re-validated)",
      content: [{ type: "input_audio" }],
      param: "input.0.content.0.type",
      code: "invalid_value",
      message:
        "Invalid value for 'input.0.content.0.type': 'input_audio'. Supported values are: 'input_text', 'output_text', 'refusal', 'input_image' and 'input_file'.",
    },
  ])("rejects $rule", ({ content, options, param, code, message }) => {
    expect(rejection(() => convertUserContent(content, "input.0.content", options ?? withFiles))).toEqual({
      status: 400,
      param,
      code,
      message,
    });
  });
});

describe("convertToolOutput", () => {
  it.each<{ rule: string; output: string | unknown[]; options?: ContentOptions; expected: unknown }>([
    {
      rule: "a string -> text, no attachments",
      output: "ok",
      expected: { text: "ok", attachments: undefined },
    },
    {
      rule: "text parts -> joined text",
      output: [text("a"), text("b")],
      expected: { text: "a\n\nb", attachments: undefined },
    },
    {
      rule: "images and files -> attachments, text kept",
      output: [
        text("shot"),
        { type: "input_image", image_url: "u" },
        { type: "input_file", file_data: "data:a/b;base64,AA" },
      ],
      expected: {
        text: "shot",
        attachments: [
          { type: "image_url", image_url: { url: "u" } },
          { type: "file", file: { file_data: "data:a/b;base64,AA" } },
        ],
      },
    },
    {
      rule: "fileParts false: a text file -> part of the text",
      output: [text("log:"), { type: "input_file", file_data: base64("line"), filename: "out.log" }],
      options: withoutFiles,
      expected: { text: 'log:\n\n<file name="out.log">\nline\n</file>', attachments: undefined },
    },
    { rule: "an empty array -> empty text", output: [], expected: { text: "", attachments: undefined } },
  ])("$rule", ({ output, options, expected }) => {
    expect(convertToolOutput(output, "input.1.output", options ?? withFiles)).toEqual(expected);
  });
});

describe("flattenText", () => {
  it("joins text, output_text and refusal parts", () => {
    expect(flattenText([text("a"), { type: "refusal", refusal: "b" }], "input.0.content")).toBe("a\n\nb");
  });

  it.each(["input_image", "input_file"])(
    "rejects %s (system, developer and assistant messages take text only)",
    (type) => {
      expect(rejection(() => flattenText([{ type, image_url: "u" }], "input.0.content"))).toEqual({
        status: 400,
        param: "input.0.content.0.type",
        code: "unsupported_value",
        message: `Content part type '${type}' is only supported in user messages and tool outputs.`,
      });
    },
  );
});
