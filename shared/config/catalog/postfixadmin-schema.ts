import bundled from '../../../resources/catalogs/postfixadmin-3.3-schema.json'

/** Tables and their columns, as PostfixAdmin's own upgrade.php creates them. */
export interface SqlSchema {
  product: string
  version: string
  tables: Record<string, string[]>
}

export const bundledPostfixAdminSchema: SqlSchema = { product: 'PostfixAdmin', version: bundled.version, tables: bundled.tables }
