import type { SqlSchema } from '../catalog/postfixadmin-schema'
import type { ConfigSet } from '../config-set'
import type { Finding, LocatedText } from '../finding'
import type { PostfixModel } from '../postfix/postfix-model'
import type { PhpConf } from '../postfixadmin/php-conf-reader'
import type { DovecotLines, DovecotView } from './dovecot-view'

/** Everything the cross-file checks may look at; absent parts simply skip the checks that need them. */
export interface CrossContext {
  set: ConfigSet
  /** A pulled workspace where every referenced file should be present. */
  complete: boolean
  postfix?: PostfixModel
  dovecot?: DovecotView
  postfixadmin?: { where: LocatedText; conf: PhpConf }
  /** Dovecot key=value side files (dovecot-sql.conf.ext ...) by path. */
  dovecotSideFiles: Map<string, { where: LocatedText; lines: DovecotLines }>
  schema: SqlSchema
  located(path: string): LocatedText | undefined
}

export type CrossCheck = (ctx: CrossContext) => Finding[]
