/**
 * Content parts of messages and tool outputs -> chat content.
 *
 * - `input_text` / `output_text` / `refusal` -> text. Content that is all text is sent as one string
 *   (parts joined by a blank line), which every chat backend accepts.
 * - `input_image {image_url, detail}` -> `{type: "image_url", image_url: {url, detail}}` (URL or data
 *   URL, passed as it is; `detail: "original"` -> `"high"`). Only user messages and tool outputs take
 *   images.
 * - `input_file {file_data | file_url, filename}` -> `{type: "file", file: {file_data, filename}}`
 *   (raw base64 is wrapped in a data URL; a `file_url` goes in `file_data`, which backends such as
 *   OpenRouter accept). When the backend has no file parts (`fileParts: false`), text files are
 *   inlined as text and anything else is a 400.
 * - `file_id` (image or file) -> 400: this server has no Files API.
 *
 * Nothing here ever fetches a URL.
 */
import type {
  ChatCompletionContentPart,
  ChatCompletionContentPartImage,
} from "openai/resources/chat/completions";
import { invalidRequest } from "../../errors.js";

/** Options for content conversion. */
export interface ContentOptions {
  /** The backend accepts chat `file` parts; when false, text files are inlined and others rejected. */
  fileParts: boolean;
}

/** Any content part, read structurally (items from the store or a reference are not re-validated). */
interface ContentPart {
  type: string;
  text?: string | null;
  refusal?: string | null;
  image_url?: string | null;
  file_id?: string | null;
  detail?: string | null;
  file_data?: string | null;
  file_url?: string | null;
  filename?: string | null;
}

/**
 * The content of a user message: one string when it is all text, otherwise chat content parts.
 *
 * @throws {ResponsesBridgeError} 400 for a `file_id`, an image without a URL, a file without data, a
 *   binary file when `fileParts` is false, or an unknown part type.
 */
export function convertUserContent(
  content: string | readonly unknown[],
  param: string,
  options: ContentOptions,
): string | ChatCompletionContentPart[] {
  if (typeof content === "string") return content;
  let media = false;
  for (const part of content) {
    const type = (part as ContentPart).type;
    if (type === "input_image" || type === "input_file") media = true;
  }
  if (!media) return flattenText(content, param);
  const parts: ChatCompletionContentPart[] = [];
  let allText = true;
  for (let index = 0; index < content.length; index++) {
    const part = content[index] as ContentPart;
    const converted = convertPart(part, `${param}.${index}`, options);
    if (converted.type !== "text") allText = false;
    parts.push(converted);
  }
  return allText ? parts.map((part) => (part as { text: string }).text).join("\n\n") : parts;
}

/**
 * The text of a tool call output, and the images and files it returned. Chat tool messages carry
 * text only on most backends, so the caller sends the attachments in a user message after the tool
 * messages. Inlined text files (`fileParts: false`) become part of the text.
 */
export function convertToolOutput(
  output: string | readonly unknown[],
  param: string,
  options: ContentOptions,
): { text: string; attachments: ChatCompletionContentPart[] | undefined } {
  if (typeof output === "string") return { text: output, attachments: undefined };
  let text: string | undefined;
  let attachments: ChatCompletionContentPart[] | undefined;
  for (let index = 0; index < output.length; index++) {
    const part = output[index] as ContentPart;
    const partParam = `${param}.${index}`;
    let partText: string;
    if (part.type === "input_image" || part.type === "input_file") {
      const converted = convertPart(part, partParam, options);
      if (converted.type !== "text") {
        attachments ??= [];
        attachments.push(converted);
        continue;
      }
      partText = converted.text;
    } else {
      partText = textOf(part, partParam);
    }
    text = text === undefined ? partText : `${text}\n\n${partText}`;
  }
  return { text: text ?? "", attachments };
}

/**
 * The text of a content string or list of parts, joined with a blank line; refusals count as text.
 * For system, developer and assistant messages, which take no images or files.
 */
export function flattenText(content: string | readonly unknown[], param: string): string {
  if (typeof content === "string") return content;
  let text: string | undefined;
  for (let index = 0; index < content.length; index++) {
    const partText = textOf(content[index] as ContentPart, `${param}.${index}`);
    text = text === undefined ? partText : `${text}\n\n${partText}`;
  }
  return text ?? "";
}

function textOf(part: ContentPart, param: string): string {
  switch (part.type) {
    case "input_text":
    case "output_text":
      return part.text ?? "";
    case "refusal":
      return part.refusal ?? "";
    case "input_image":
    case "input_file":
      throw invalidRequest(
        `Content part type '${part.type}' is only supported in user messages and tool outputs.`,
        `${param}.type`,
        "unsupported_value",
      );
    default:
      throw invalidRequest(
        `Invalid value for '${param}.type': '${String(part.type)}'. Supported values are: 'input_text', 'output_text', 'refusal', 'input_image' and 'input_file'.`,
        `${param}.type`,
        "invalid_value",
      );
  }
}

function convertPart(part: ContentPart, param: string, options: ContentOptions): ChatCompletionContentPart {
  switch (part.type) {
    case "input_image":
      return convertImage(part, param);
    case "input_file":
      return convertFile(part, param, options);
    default:
      return { type: "text", text: textOf(part, param) };
  }
}

function convertImage(part: ContentPart, param: string): ChatCompletionContentPartImage {
  const url = part.image_url;
  if (typeof url !== "string" || url === "") {
    if (typeof part.file_id === "string" && part.file_id !== "") {
      throw fileIdNotSupported(`${param}.file_id`, "the image as 'image_url' (a URL or a base64 data URL)");
    }
    throw missing(`${param}.image_url`);
  }
  const imageUrl: ChatCompletionContentPartImage.ImageURL = { url };
  const detail = part.detail === "original" ? "high" : part.detail;
  if (detail === "auto" || detail === "low" || detail === "high") imageUrl.detail = detail;
  return { type: "image_url", image_url: imageUrl };
}

function convertFile(part: ContentPart, param: string, options: ContentOptions): ChatCompletionContentPart {
  const filename = typeof part.filename === "string" && part.filename !== "" ? part.filename : undefined;
  const data = part.file_data;
  const url = part.file_url;
  let fileData: string;
  if (typeof data === "string" && data !== "") {
    if (!options.fileParts)
      return { type: "text", text: inlineTextFile(data, filename, `${param}.file_data`) };
    fileData = data.startsWith("data:") ? data : `data:${mimeOf(filename)};base64,${data}`;
  } else if (typeof url === "string" && url !== "") {
    if (!options.fileParts) {
      throw invalidRequest(
        "File URLs are not supported by this server's chat backend (it takes no file parts, and this server never fetches URLs); send the file's content as 'file_data'.",
        `${param}.file_url`,
        "unsupported_value",
      );
    }
    fileData = url;
  } else if (typeof part.file_id === "string" && part.file_id !== "") {
    throw fileIdNotSupported(`${param}.file_id`, "the file as 'file_data' (a base64 data URL)");
  } else {
    throw missing(`${param}.file_data`);
  }
  return {
    type: "file",
    file: filename === undefined ? { file_data: fileData } : { file_data: fileData, filename },
  };
}

const TEXT_MIME =
  /^(text\/[\w.+-]+|application\/(json|ld\+json|x-ndjson|xml|yaml|x-yaml|toml|csv|javascript|x-javascript|ecmascript|typescript|x-typescript|x-sh|x-shellscript|sql|graphql|markdown|x-markdown|x-python|x-tex|x-httpd-php)|[\w.+-]+\/[\w.-]+\+(json|xml|yaml))$/;
const TEXT_EXTENSION =
  /\.(txt|text|md|markdown|mdx|rst|adoc|org|csv|tsv|json|jsonl|ndjson|xml|ya?ml|toml|ini|cfg|conf|env|log|html?|css|scss|less|svg|js|mjs|cjs|jsx|ts|mts|cts|tsx|py|rb|go|rs|java|kt|kts|swift|c|h|cc|cpp|hpp|cs|php|pl|sh|bash|zsh|fish|ps1|sql|graphql|gql|tex|r|lua|dart|scala|clj|ex|exs|erl|hs|ml|vue|svelte|diff|patch|srt|vtt)$/i;
const MIME_BY_EXTENSION: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  json: "application/json",
  html: "text/html",
  xml: "application/xml",
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

function mimeOf(filename: string | undefined): string {
  const dot = filename?.lastIndexOf(".") ?? -1;
  const extension = dot < 0 ? undefined : filename?.slice(dot + 1).toLowerCase();
  return (extension && MIME_BY_EXTENSION[extension]) || "application/octet-stream";
}

/**
 * A text file's content, inlined as `<file name="...">…</file>`. Text means a `text/*`, JSON, XML,
 * YAML, CSV, Markdown... media type, or (when the data URL names none) a text file extension, or
 * content that decodes as UTF-8 without NUL bytes.
 */
function inlineTextFile(data: string, filename: string | undefined, param: string): string {
  let mime: string | undefined;
  let payload = data;
  let base64 = true;
  if (data.startsWith("data:")) {
    const comma = data.indexOf(",");
    const meta = data.slice(5, comma < 0 ? 5 : comma).toLowerCase();
    mime = meta.split(";", 1)[0] || undefined;
    base64 = meta.includes(";base64");
    payload = comma < 0 ? "" : data.slice(comma + 1);
  }
  const generic = mime === undefined || mime === "application/octet-stream";
  if (!generic && !TEXT_MIME.test(mime as string)) throw notText(filename, mime, param);
  let text: string;
  try {
    text = base64 ? decodeUtf8Base64(payload) : decodeURIComponent(payload);
  } catch {
    throw notText(filename, mime, param);
  }
  if (generic && !(filename !== undefined && TEXT_EXTENSION.test(filename)) && text.includes("\u0000")) {
    throw notText(filename, mime, param);
  }
  const attribute = filename === undefined ? "" : ` name="${filename.replace(/"/g, "'")}"`;
  return `<file${attribute}>\n${text}\n</file>`;
}

function decodeUtf8Base64(payload: string): string {
  const binary = atob(payload);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
}

function notText(filename: string | undefined, mime: string | undefined, param: string) {
  const label = filename === undefined ? "The file" : `File '${filename}'`;
  const kind = mime === undefined ? "" : ` (${mime})`;
  return invalidRequest(
    `${label}${kind} cannot be sent: this server's chat backend takes no file parts, and only text files can be inlined as text.`,
    param,
    "unsupported_value",
  );
}

function fileIdNotSupported(param: string, instead: string) {
  return invalidRequest(
    `File ids are not supported by this server (it has no Files API); send ${instead} instead.`,
    param,
    "unsupported_value",
  );
}

function missing(param: string) {
  return invalidRequest(`Missing required parameter: '${param}'.`, param, "missing_required_parameter");
}
