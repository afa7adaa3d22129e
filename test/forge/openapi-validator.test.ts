import { describe, expect, it } from 'vitest';
import { OpenApiValidator } from './openapi-validator.js';

const json = (schema: unknown) => ({ content: { 'application/json': { schema } } });
const item = {
  type: 'object',
  required: ['id', 'state', 'closed_at', 'milestone'],
  properties: {
    id: { type: 'integer' },
    state: { type: 'string', enum: ['open', 'closed'], nullable: true },
    closed_at: { type: 'string', format: 'date-time', nullable: true },
    milestone: { nullable: true, allOf: [{ type: 'object', required: ['title'], properties: { title: { type: 'string' } } }] },
  },
};
/** A small OpenAPI 3.0 description: one generic and one literal template that both match `/items/first`. */
const description = {
  openapi: '3.0.3',
  paths: {
    '/items/{id}': {
      get: {
        operationId: 'items/get',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: { '200': json(item), '204': { description: 'No content' } },
      },
    },
    '/items/first': { get: { operationId: 'items/first', responses: { '200': json(item) } } },
  },
};
const validator = new OpenApiValidator(description, { statuses: () => [404], schema: { type: 'object', required: ['message'] } });

describe('OpenApiValidator', () => {
  it('finds the most literal template and reads its path parameters', () => {
    expect(validator.checkRequest({ method: 'GET', path: '/items/first', query: {}, body: undefined }).operation?.id).toBe('items/first');
    expect(validator.checkRequest({ method: 'GET', path: '/items/7', query: {}, body: undefined })).toEqual({
      operation: { id: 'items/get', method: 'GET', template: '/items/{id}', params: { id: '7' } },
      violations: [],
    });
    expect(validator.checkRequest({ method: 'DELETE', path: '/items/7', query: {}, body: undefined }).violations).toEqual([
      'DELETE /items/7 is no operation of the description',
    ]);
  });

  it("reads OpenAPI 3.0's nullable: null joins the type, the enum, or a schema without a type", () => {
    const { operation } = validator.checkRequest({ method: 'GET', path: '/items/7', query: {}, body: undefined });
    const check = (body: unknown) => validator.checkResponse(operation!, 200, body);
    expect(check({ id: 1, state: null, closed_at: null, milestone: null })).toEqual([]);
    expect(check({ id: 1, state: 'open', closed_at: '2024-05-01T12:00:00Z', milestone: { title: 'v1' } })).toEqual([]);
    expect(check({ id: 1, state: 'draft', closed_at: 'yesterday', milestone: {} })).toEqual([
      'GET /items/{id} (items/get) response 200: /state must be equal to one of the allowed values ["open","closed",null], ' +
        '/closed_at must match format "date-time", /milestone must have required property \'title\', /milestone must be null, ' +
        '/milestone must match a schema in anyOf',
    ]);
  });

  it('refuses a description of another OpenAPI version', () => {
    const undocumented = { statuses: () => [], schema: {} };
    expect(() => new OpenApiValidator({ ...description, openapi: '3.1.0' }, undocumented)).toThrow(
      'OpenApiValidator reads OpenAPI 3.0 descriptions, not "3.1.0"',
    );
  });

  it('checks an unlisted status against the schema of errors any operation may answer with', () => {
    const { operation } = validator.checkRequest({ method: 'GET', path: '/items/7', query: {}, body: undefined });
    expect(validator.checkResponse(operation!, 404, { message: 'Not Found' })).toEqual([]);
    expect(validator.checkResponse(operation!, 404, {})).toEqual(["GET /items/{id} (items/get) response 404: / must have required property 'message'"]);
    expect(validator.checkResponse(operation!, 204, undefined)).toEqual([]);
  });
});
