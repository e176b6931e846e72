/** What the CLI needs of the process: its streams and environment (replaced in tests if ever needed). */
export interface CliIo {
  out(text: string): void
  err(text: string): void
  stdinIsTty: boolean
  /** Asks a yes/no question on the terminal; only called when stdinIsTty. */
  confirm(question: string): Promise<boolean>
  env: NodeJS.ProcessEnv
  /** All of stdin as bytes (secrets are read this way, never from argv). */
  readStdin?(): Promise<Buffer>
  /** Asks for a secret on the terminal without echoing it; only called when stdinIsTty. */
  promptSecret?(question: string): Promise<string>
}
