import { join } from 'node:path';
import { servicesDir } from './paths.js';

/** The part of a TypeBox object schema read here. */
export interface TObject {
  type: 'object';
  properties: Record<string, { default?: unknown }>;
  required?: string[];
}

export interface ServiceConfigModule {
  schema: TObject;
  loadConfig: (env: NodeJS.ProcessEnv) => unknown;
}

/** A service's src/config.ts: its TypeBox env schema (the exported TObject) and loadConfig. */
export async function serviceConfig(service: string): Promise<ServiceConfigModule> {
  const mod = (await import(join(servicesDir, service, 'src/config.ts'))) as Record<string, unknown>;
  const schemas = Object.values(mod).filter(
    (v): v is TObject =>
      typeof v === 'object' && v !== null && (v as TObject).type === 'object' && 'properties' in v,
  );
  if (schemas.length !== 1)
    throw new Error(`${service}/src/config.ts exports ${schemas.length} object schemas, expected 1`);
  if (typeof mod.loadConfig !== 'function') throw new Error(`${service}/src/config.ts has no loadConfig`);
  return { schema: schemas[0]!, loadConfig: mod.loadConfig as ServiceConfigModule['loadConfig'] };
}

/** Variables the service cannot start without: required in the schema and without a default. */
export function requiredVars(schema: TObject): string[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties)
    .filter(([name, prop]) => required.has(name) && prop.default === undefined)
    .map(([name]) => name);
}
