import { useQuery } from '@tanstack/react-query';

/** The parts of an OpenAPI schema object the console reads. */
export interface JsonSchema {
  type?: string;
  enum?: string[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  $ref?: string;
  nullable?: boolean;
  writeOnly?: boolean;
  description?: string;
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  /** A union (e.g. the sync settings' `upstream`): one of these, chosen by `discriminator`. */
  oneOf?: JsonSchema[];
  discriminator?: { propertyName: string };
}

interface OpenApiDocument {
  components: { schemas: Record<string, JsonSchema> };
  paths: Record<string, Record<string, { parameters?: { name: string; in: string; schema?: JsonSchema }[] }>>;
}

/**
 * The committed OpenAPI document (the one the client types come from), loaded as its own chunk by
 * the pages that render forms or filter choices from it: a new upstream kind or setting shows up
 * in the console without console code.
 */
export function useOpenApi() {
  return useQuery({
    queryKey: ['openapi-document'],
    queryFn: async () => (await import('./openapi.json')).default as unknown as OpenApiDocument,
    staleTime: Infinity,
  });
}

export function resolveSchema(document: OpenApiDocument, schema: JsonSchema): JsonSchema {
  if (!schema.$ref) return schema;
  return document.components.schemas[schema.$ref.replace('#/components/schemas/', '')] ?? {};
}

/** The allowed values of a query parameter (an enum in the document), for filter choices. */
export function queryEnum(document: OpenApiDocument | undefined, path: string, name: string): string[] {
  const parameter = document?.paths[path]?.get?.parameters?.find((p) => p.in === 'query' && p.name === name);
  return parameter?.schema?.enum ?? [];
}

export type { OpenApiDocument };
