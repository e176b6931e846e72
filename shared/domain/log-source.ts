import { z } from 'zod'

/**
 * Which log to read: 'auto' detects it (Postfix's maillog_file, the freshest syslog file, else the
 * journal on systemd hosts); 'file' a log file only (a given path, or the detected file); 'journal'
 * the journal of the mail units even when a file is written too. In the domain (not the logs
 * contract) because a server profile keeps the user's choice.
 */
export const LOG_SOURCE_CHOICES = ['auto', 'file', 'journal'] as const
export const LogSourceChoice = z.enum(LOG_SOURCE_CHOICES, { error: `must be one of ${LOG_SOURCE_CHOICES.join(', ')}` })
export type LogSourceChoice = z.infer<typeof LogSourceChoice>
