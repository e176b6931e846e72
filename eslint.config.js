import js from '@eslint/js'
import pluginVue from 'eslint-plugin-vue'
import globals from 'globals'
import tseslint from 'typescript-eslint'

// Layering, as VS Code enforces common/node/electron-main: a violation fails `npm run lint` and CI.
const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'net', 'http', 'https', 'stream', 'url', 'util', 'events', 'zlib', 'worker_threads', 'buffer', 'tls', 'dns']
const nodeDeps = ['ssh2', 'mysql2', 'mysql2/*', 'ws', 'commander', 'ssh-config']
// A regex, not a gitignore-style group: 'electron/*' also matched relative paths such as '../../electron/services/x'.
const noElectron = { regex: '^electron(/.*)?$', message: 'Only electron/main and electron/preload may import electron.' }

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'bench/results/**', 'test/vps/.state/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['shared/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [noElectron, { group: [...nodeBuiltins, ...nodeDeps, 'vue', 'pinia'], message: 'shared/ is platform-free: zod and plain TypeScript only.' }] }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'require', 'Buffer'],
    },
  },
  {
    files: ['electron/services/**', 'electron/cli/**', 'test/**', 'bench/**'],
    ignores: ['test/electron/**'],
    rules: { 'no-restricted-imports': ['error', { patterns: [noElectron] }] },
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': ['error', { patterns: [noElectron, { group: [...nodeBuiltins, ...nodeDeps, '**/electron/**'], message: 'The renderer reaches the main process only through window.api.' }] }],
      'no-restricted-globals': ['error', 'process', 'require', 'Buffer', '__dirname'],
    },
  },
)
