import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { isObject, toJsonSchema, type OpenApiSchema } from './openapi-schema.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped.
type AddFormats = (ajv: Ajv) => Ajv;
const addFormats = ((addFormatsModule as unknown as { default?: AddFormats }).default ?? addFormatsModule) as AddFormats;

/** One operation of the description: `GET /repos/{owner}/{repo}/pulls` is `pulls/list`. */
export interface Operation {
  id: string;
  method: string;
  template: string;
  /** The path parameters, by name, as the request carried them. */
  params: Record<string, string>;
}

export interface HttpRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Parsed JSON, or undefined when the request had no body. */
  body: unknown;
}

/** Statuses an API answers to any operation whether its description lists them or not, and the schema of their bodies. */
export interface UndocumentedStatuses {
  statuses: (operationId: string) => readonly number[];
  schema: unknown;
}

/** Errors named per violation; a body missing a whole object would otherwise list each of its fields. */
const MAX_ERRORS = 5;

interface Route {
  method: string;
  template: string;
  pattern: RegExp;
  names: string[];
  /** Literal segments; the most literal template wins, as `/issues/comments` over `/issues/{issue_number}`. */
  literals: number;
  spec: OpenApiSchema;
}

/**
 * Checks HTTP requests and responses against an OpenAPI 3.0 description whose `$ref`s are
 * resolved: the operation is found by method and path template, then path and query parameters,
 * the JSON body and each response (status and body) are checked with ajv. Validators are
 * compiled on first use of an operation, since a description like GitHub's holds a thousand.
 */
export class OpenApiValidator {
  private readonly routes: Route[] = [];
  private readonly compiled = new Map<string, ValidateFunction>();
  private readonly ajv = withFormats(new Ajv({ strict: false, allErrors: true, logger: false }));
  private readonly coercing = withFormats(new Ajv({ strict: false, allErrors: true, logger: false, coerceTypes: true }));

  constructor(
    description: OpenApiSchema,
    private readonly undocumented: UndocumentedStatuses,
  ) {
    // 3.1 schemas are JSON Schema 2020-12 (no `nullable`, other `exclusiveMinimum`): reading them as 3.0 would mislead.
    if (typeof description.openapi !== 'string' || !description.openapi.startsWith('3.0.')) {
      throw new Error(`OpenApiValidator reads OpenAPI 3.0 descriptions, not ${JSON.stringify(description.openapi ?? null)}`);
    }
    for (const [template, item] of Object.entries(isObject(description.paths) ? description.paths : {})) {
      if (!isObject(item)) continue;
      const names = [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
      const source = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)');
      const pattern = new RegExp(`^${source}$`);
      const literals = template.split('/').filter((segment) => segment && !segment.includes('{')).length;
      for (const [method, spec] of Object.entries(item)) {
        if (isObject(spec) && typeof spec.operationId === 'string') this.routes.push({ method: method.toUpperCase(), template, pattern, names, literals, spec });
      }
    }
  }

  /** The operation a request is for (null when the description has none) and what in the request breaks it. */
  checkRequest(request: HttpRequest): { operation: Operation | null; violations: string[] } {
    const found = this.route(request.method, request.path);
    if (!found) return { operation: null, violations: [`${request.method} ${request.path} is no operation of the description`] };
    const { route, operation } = found;
    const where = `${operation.method} ${operation.template} (${operation.id}) request`;
    const violations = this.check(`${operation.id} parameters`, () => parametersSchema(route.spec), { path: operation.params, query: request.query }, where);
    const content = isObject(route.spec.requestBody) ? route.spec.requestBody : null;
    const schema = content ? jsonSchemaOf(content) : undefined;
    if (request.body === undefined) {
      if (content?.required === true) violations.push(`${where}: the body is required`);
    } else if (schema === undefined) {
      violations.push(`${where}: the operation takes no JSON body, got ${JSON.stringify(request.body)}`);
    } else {
      violations.push(...this.check(`${operation.id} body`, () => schema, request.body, `${where} body`));
    }
    return { operation, violations };
  }

  /** What in a response (status, body) the operation's description does not allow. */
  checkResponse(operation: Operation, status: number, body: unknown): string[] {
    const route = this.routes.find((r) => r.method === operation.method && r.template === operation.template)!;
    const where = `${operation.method} ${operation.template} (${operation.id}) response ${status}`;
    const responses = isObject(route.spec.responses) ? route.spec.responses : {};
    const response = responses[String(status)] ?? responses.default;
    if (!isObject(response)) {
      if (!this.undocumented.statuses(operation.id).includes(status)) return [`${where}: status ${status} is not in the description`];
      return this.check('undocumented error', () => this.undocumented.schema, body, where);
    }
    const schema = jsonSchemaOf(response);
    if (schema === undefined) return body === undefined ? [] : [`${where}: the description has no body, got ${JSON.stringify(body)}`];
    return this.check(`${operation.id} ${status}`, () => schema, body, where);
  }

  private route(method: string, path: string): { route: Route; operation: Operation } | null {
    let best: { route: Route; match: RegExpExecArray } | null = null;
    for (const route of this.routes) {
      const match = route.method === method ? route.pattern.exec(path) : null;
      if (match && (!best || route.literals > best.route.literals)) best = { route, match };
    }
    if (!best) return null;
    const { route, match } = best;
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    return { route, operation: { id: String(route.spec.operationId), method, template: route.template, params } };
  }

  private check(key: string, schema: () => unknown, value: unknown, where: string): string[] {
    let validate = this.compiled.get(key);
    if (!validate) {
      const ajv = key.endsWith(' parameters') ? this.coercing : this.ajv;
      validate = ajv.compile(toJsonSchema(schema()) as OpenApiSchema);
      this.compiled.set(key, validate);
    }
    // Coercion writes into the value it checks; parameters are checked on a copy.
    if (validate(structuredClone(value))) return [];
    const errors = (validate.errors ?? []).map(describe);
    const shown = errors.length > MAX_ERRORS ? [...errors.slice(0, MAX_ERRORS), `and ${errors.length - MAX_ERRORS} more`] : errors;
    return [`${where}: ${shown.join(', ')}`];
  }
}

/** Path and query parameters as one object schema; a query parameter the operation does not take is a violation. */
function parametersSchema(spec: OpenApiSchema): OpenApiSchema {
  const parameters = (Array.isArray(spec.parameters) ? spec.parameters : []).filter(isObject);
  const group = (place: string) => {
    const own = parameters.filter((p) => p.in === place && typeof p.name === 'string');
    return {
      type: 'object',
      properties: Object.fromEntries(own.map((p) => [p.name as string, p.schema ?? {}])),
      required: own.filter((p) => p.required === true).map((p) => p.name as string),
      additionalProperties: false,
    };
  };
  return { type: 'object', properties: { path: group('path'), query: group('query') } };
}

function jsonSchemaOf(bodyOrResponse: OpenApiSchema): unknown {
  const content = isObject(bodyOrResponse.content) ? bodyOrResponse.content : {};
  const media = Object.entries(content).find(([type]) => type === 'application/json' || type.endsWith('+json'))?.[1];
  return isObject(media) ? media.schema : undefined;
}

function describe(error: ErrorObject): string {
  const at = error.instancePath || '/';
  const extra = error.keyword === 'additionalProperties' ? ` "${String(error.params.additionalProperty)}"` : '';
  const allowed = error.keyword === 'enum' ? ` ${JSON.stringify(error.params.allowedValues)}` : '';
  return `${at} ${error.message ?? error.keyword}${extra}${allowed}`;
}

function withFormats(ajv: Ajv): Ajv {
  addFormats(ajv);
  return ajv;
}
