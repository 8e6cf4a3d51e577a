import { inspect } from "node:util";

const REDACTED = "[redacted]";

/**
 * A secret read from the environment (an API key, a Redis URL with a password). Printing it in any way
 * (`String()`, template strings, `JSON.stringify`, `console.log`, `util.inspect`) shows `[redacted]`;
 * only {@link Secret.reveal} returns the value.
 */
export class Secret {
  readonly #value: string;

  /** @param value - The secret value. */
  constructor(value: string) {
    this.#value = value;
  }

  /** The secret value; pass it straight to the code that needs it, never to a log. */
  reveal(): string {
    return this.#value;
  }

  /** Always `[redacted]`. */
  toString(): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  toJSON(): string {
    return REDACTED;
  }

  /** Always `[redacted]`. */
  [inspect.custom](): string {
    return REDACTED;
  }
}

/** The name rule for environment variables holding keys: letters, digits and `_`, not starting with a digit. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads a secret from an environment variable. Empty or unset means absent.
 *
 * @param env - The environment, usually `process.env`.
 * @param name - The variable's name.
 */
export function readSecret(env: NodeJS.ProcessEnv, name: string): Secret | undefined {
  const value = env[name];
  return value ? new Secret(value) : undefined;
}
