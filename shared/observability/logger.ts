/**
 * The platform's structured JSON logger: one JSON object per line on stdout, in the shape
 * Powertools for AWS Lambda writes (`level`, `message`, `timestamp`, `service`, `xray_trace_id`,
 * the appended keys, then the line's own attributes; an Error attribute as `{name, message, stack,
 * cause}`), so log queries are unchanged. Request bodies, secrets, passwords and tokens are never
 * passed to it; the request middleware adds the request id and route to every line.
 *
 * Our own rather than @aws-lambda-powertools/logger: the platform uses four methods of it, and the
 * library added ~20 KB to every function bundle (bench cold-start part, issue 17). The level comes
 * from POWERTOOLS_LOG_LEVEL (TRACE, DEBUG, INFO, WARN, ERROR, CRITICAL, SILENT; default INFO), or
 * AWS_LAMBDA_LOG_LEVEL when the function's advanced logging controls set it.
 */

const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type LevelName = keyof typeof LEVELS;
type Attributes = Record<string, unknown>;

function levelFrom(value: string | undefined): LevelName | undefined {
  const upper = value?.toUpperCase();
  return upper && upper in LEVELS ? (upper as LevelName) : undefined;
}

function serialise(value: unknown, depth = 0): unknown {
  if (value instanceof Error) {
    return {
      name: value.name,
      message: value.message,
      stack: value.stack,
      ...(value.cause !== undefined && depth < 3 ? { cause: serialise(value.cause, depth + 1) } : {}),
    };
  }
  return value;
}

/** The four methods the platform logs with, plus `appendKeys` for keys every later line carries. */
export class StructuredLogger {
  readonly #service: string;
  readonly #threshold: number;
  readonly #keys: Attributes = {};

  constructor(options: { serviceName: string; logLevel: LevelName }) {
    this.#service = options.serviceName;
    this.#threshold = LEVELS[options.logLevel];
  }

  /** Adds keys to every later line of this process (the request middleware sets requestId and routeId). */
  appendKeys(keys: Attributes): void {
    Object.assign(this.#keys, keys);
  }

  debug(message: string, attributes?: Attributes): void {
    this.#write('DEBUG', message, attributes);
  }

  info(message: string, attributes?: Attributes): void {
    this.#write('INFO', message, attributes);
  }

  warn(message: string, attributes?: Attributes): void {
    this.#write('WARN', message, attributes);
  }

  error(message: string, attributes?: Attributes): void {
    this.#write('ERROR', message, attributes);
  }

  #write(level: LevelName, message: string, attributes: Attributes | undefined): void {
    if (LEVELS[level] < this.#threshold) return;
    const trace = /Root=([^;]+)/.exec(process.env._X_AMZN_TRACE_ID ?? '')?.[1];
    const line: Attributes = { level, message, timestamp: new Date().toISOString(), service: this.#service, ...(trace ? { xray_trace_id: trace } : {}), ...this.#keys };
    for (const [key, value] of Object.entries(attributes ?? {})) if (value !== undefined) line[key] = serialise(value);
    let text: string;
    try {
      text = JSON.stringify(line);
    } catch {
      // A circular or unserialisable attribute must not turn logging into a failure.
      text = JSON.stringify({ level, message, timestamp: line.timestamp, service: this.#service, ...this.#keys, logError: 'attributes could not be serialised' });
    }
    process.stdout.write(`${text}\n`);
  }
}

export const logger = new StructuredLogger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'identity-platform',
  logLevel: levelFrom(process.env.AWS_LAMBDA_LOG_LEVEL) ?? levelFrom(process.env.POWERTOOLS_LOG_LEVEL) ?? 'INFO',
});
