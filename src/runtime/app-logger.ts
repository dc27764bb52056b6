/**
 * The server's pino logger: Probot's formatting (LOG_FORMAT, LOG_LEVEL_IN_STRING,
 * LOG_MESSAGE_KEY, SENTRY_DSN, as Probot's own logger reads them), plus
 *
 * - the current delivery id and installation on every line (delivery-scope.ts);
 * - redaction of secret-bearing fields (authorization headers, keys, tokens);
 * - a last scrub of every serialised line for anything that looks like a
 *   secret whatever field it hides in — GitHub tokens, JWTs, PEM private keys,
 *   passwords in PostgreSQL URLs, and the configured secrets' own values —
 *   because a token inside an error message is not a field pino can redact.
 */
import { getTransformStream } from "@probot/pino";
import { pino, type Logger } from "pino";
import { currentDelivery } from "./delivery-scope.js";

const CENSOR = "[REDACTED]";

/** Fields whose values are secrets wherever they appear (pino redact paths, one level of nesting). */
export const REDACTED_PATHS = [
  "authorization",
  "headers.authorization",
  "*.headers.authorization",
  "req.headers.cookie",
  "request.headers.authorization",
  "err.request.headers.authorization",
  "err.response.headers.authorization",
  "token",
  "*.token",
  "privateKey",
  "*.privateKey",
  "private_key",
  "*.private_key",
  "secret",
  "*.secret",
  "password",
  "*.password",
  "auth.token",
  "auth.privateKey",
  "*.auth.token",
  "*.auth.privateKey",
];

const PATTERNS: Array<[RegExp, string]> = [
  // PEM private keys, with real or JSON-escaped newlines.
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, CENSOR],
  // GitHub tokens: ghp_ (personal), gho_ (OAuth), ghu_ (user-to-server), ghs_ (installation), ghr_ (refresh), fine-grained PATs.
  [/\bgh[pousr]_[A-Za-z0-9_]{6,}/g, CENSOR],
  [/\bgithub_pat_[A-Za-z0-9_]{10,}/g, CENSOR],
  // Old-style 40-hex installation tokens ("v1.").
  [/\bv1\.[0-9a-f]{40}\b/g, CENSOR],
  // JWTs (the app's own JWT authenticates as the app).
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, CENSOR],
  // Authorization header values in any serialised form.
  [/("authorization"\s*:\s*")[^"]*"/gi, `$1${CENSOR}"`],
  [/\b(authorization:\s*)(?:token|bearer|basic)\s+[^\s"\\]+/gi, `$1${CENSOR}`],
  // Passwords in connection strings (DATABASE_URL).
  [/\b(postgres(?:ql)?:\/\/[^:/\s"@]+:)[^@\s"]+@/gi, `$1${CENSOR}@`],
];

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * A function that removes secrets from one serialised log line: the known
 * patterns, and each of `secrets` verbatim and JSON-escaped. Secrets shorter
 * than 6 characters are ignored (they would censor ordinary words).
 */
export function secretScrubber(secrets: readonly string[]): (line: string) => string {
  const literal = [...new Set(secrets.filter((s) => s.length >= 6).flatMap((s) => [s, JSON.stringify(s).slice(1, -1)]))]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const known = literal.length ? new RegExp(literal.join("|"), "g") : null;
  return (line) => {
    let out = known ? line.replace(known, CENSOR) : line;
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    return out;
  };
}

/** The secret values in the environment that must never reach a log line. */
export function secretsFromEnv(env: NodeJS.ProcessEnv): string[] {
  const values = [env.PRIVATE_KEY, env.WEBHOOK_SECRET, env.GITHUB_TOKEN, env.GITHUB_CLIENT_SECRET];
  const url = env.DATABASE_URL?.trim();
  if (url) {
    try {
      const password = decodeURIComponent(new URL(url).password);
      if (password) values.push(password);
    } catch {
      // not a URL: nothing to extract; the pattern still covers postgres:// forms
    }
  }
  const key = env.PRIVATE_KEY?.trim();
  // Probot accepts the key with literal "\n" escapes; scrub the unescaped form too.
  if (key?.includes("\\n")) values.push(key.replace(/\\n/g, "\n"));
  return values.filter((v): v is string => typeof v === "string" && v.trim().length > 0).map((v) => v.trim());
}

export interface AppLoggerOptions {
  /** Where lines go after formatting; default stdout (fd 1), as Probot's logger. */
  destination?: NodeJS.WritableStream;
}

/** Builds the logger from the environment Probot reads (LOG_LEVEL, LOG_FORMAT, …) and the secrets in it. */
export async function createAppLogger(env: NodeJS.ProcessEnv, opts: AppLoggerOptions = {}): Promise<Logger> {
  const logFormat = env.LOG_FORMAT ? (env.LOG_FORMAT === "pretty" ? "pretty" : "json") : env.NODE_ENV === "production" ? "json" : "pretty";
  const transform = await getTransformStream({
    logFormat,
    logLevelInString: env.LOG_LEVEL_IN_STRING === "true",
    ...(env.SENTRY_DSN ? { sentryDsn: env.SENTRY_DSN } : {}),
  });
  // SonicBoom (pino.destination) is a writable stream in all but its type, as Probot's own logger uses it.
  transform.pipe(opts.destination ?? (pino.destination(1) as unknown as NodeJS.WritableStream));
  const scrub = secretScrubber(secretsFromEnv(env));
  return pino(
    {
      level: env.LOG_LEVEL || "info",
      name: "probot",
      messageKey: env.LOG_MESSAGE_KEY || "msg",
      redact: { paths: REDACTED_PATHS, censor: CENSOR },
      hooks: { streamWrite: scrub },
      mixin(_merge, _level, logger) {
        const delivery = currentDelivery();
        if (!delivery) return {};
        // Probot's event logger already binds `id`; do not write the key twice.
        const bound = logger.bindings();
        return {
          ...(bound.id === undefined ? { id: delivery.id } : {}),
          ...(bound.installation === undefined && delivery.installation !== undefined ? { installation: delivery.installation } : {}),
        };
      },
    },
    transform,
  );
}
