import type { StreamLanguage } from '@codemirror/language'
import { dovecotLanguage } from './dovecot-conf-language'
import { mainCfLanguage } from './main-cf-language'
import { mapLanguage } from './map-file-language'
import { masterCfLanguage } from './master-cf-language'
import { phpConfigLanguage } from './php-config-language'
import { plainConfigLanguage } from './plain-config-language'

/** The editor language for a workspace file, by its ConfigFileKind (and map type). */
export function languageForFile(kind: string, mapType?: string): StreamLanguage<unknown> {
  const lang = (() => {
    switch (kind) {
      case 'postfix-main':
      case 'postfix-db-map':
      case 'postfix-dynamicmaps':
        return mainCfLanguage
      case 'postfix-master':
        return masterCfLanguage
      case 'postfix-map':
        return mapLanguage(mapType ?? 'hash')
      case 'aliases':
        return mapLanguage('aliases')
      case 'dovecot':
      case 'dovecot-sql':
      case 'dovecot-dict-sql':
      case 'dovecot-side':
        return dovecotLanguage
      case 'postfixadmin-php':
        return phpConfigLanguage
      default:
        return plainConfigLanguage
    }
  })()
  return lang as StreamLanguage<unknown>
}
