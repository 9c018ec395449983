import { DataSource } from 'typeorm';
import { dataSourceOptions, ENTITY_GLOB } from './data-source-options';

// Used by the TypeORM CLI only (npm run migration:generate / migration:run).
if (!process.env.DATABASE_URL) {
  throw new Error('DATABASE_URL must be set to run the TypeORM CLI');
}
export default new DataSource({ ...dataSourceOptions(process.env.DATABASE_URL), entities: [ENTITY_GLOB] });
