import { bundledDovecotCatalog } from '../../../../../shared/config/catalog/dovecot-catalog'
import { bundledPostfixCatalog } from '../../../../../shared/config/catalog/postfix-catalog'
import type { WorkspaceCatalogues } from '../../../../../shared/domain/config-workspace'
import type { Catalogue } from '../../../lib/configs/parameter-at'

export interface ParameterInfo {
  name: string
  /** The default (catalogue), undefined when the catalogue does not know the name. */
  defaultValue: string | undefined
  /** The value the server runs with (postconf -n / doveconf -n at pull), if set there. */
  serverValue: string | undefined
}

/** Default and server value of a parameter; the bundled catalogues stand in when the workspace has none. */
export function parameterInfo(catalogues: WorkspaceCatalogues | null, catalogue: Catalogue, name: string): ParameterInfo {
  const defaults = catalogue === 'postfix' ? (catalogues?.postfixDefaults ?? bundledPostfixCatalog.parameters) : (catalogues?.dovecotDefaults ?? bundledDovecotCatalog.settings)
  const values = catalogue === 'postfix' ? catalogues?.postfixValues : catalogues?.dovecotValues
  return { name, defaultValue: Object.hasOwn(defaults, name) ? defaults[name] : undefined, serverValue: values && Object.hasOwn(values, name) ? values[name] : undefined }
}

/** Every name the catalogue knows (completion). */
export function parameterNames(catalogues: WorkspaceCatalogues | null, catalogue: Catalogue): Record<string, string> {
  return catalogue === 'postfix' ? (catalogues?.postfixDefaults ?? bundledPostfixCatalog.parameters) : (catalogues?.dovecotDefaults ?? bundledDovecotCatalog.settings)
}
