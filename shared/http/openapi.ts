// Small builders for OpenAPI route definitions, shared by every service and the gateway.
export const json = <T>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
export const body = <T>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
