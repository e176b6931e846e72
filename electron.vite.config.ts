import VueI18nPlugin from '@intlify/unplugin-vue-i18n/vite'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: resolve(__dirname, 'electron/main/index.ts'),
          // worker_threads entry beside index.js: PasswordHashPool finds it as ./hash-worker.js
          'hash-worker': resolve(__dirname, 'electron/services/mail/passwords/hash-worker.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // A sandboxed preload cannot require() node_modules: bundle everything into one CommonJS file.
      externalizeDeps: false,
      lib: { entry: resolve(__dirname, 'electron/preload/index.ts'), formats: ['cjs'], fileName: () => 'index.cjs' },
    },
  },
  renderer: {
    root: resolve(__dirname, 'renderer'),
    plugins: [
      vue(),
      // Locale messages are precompiled at build time and vue-i18n is aliased to its runtime-only build:
      // the strict CSP (no 'unsafe-eval') never meets a message compiler in the page.
      VueI18nPlugin({
        include: [resolve(__dirname, 'renderer/src/i18n/locales/**')],
        runtimeOnly: true,
        compositionOnly: true,
        fullInstall: false,
        dropMessageCompiler: true,
        strictMessage: true,
        escapeHtml: false,
      }),
    ],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      // electron-vite leaves the renderer unminified by default; the first screen should load small.
      minify: true,
      rolldownOptions: { input: resolve(__dirname, 'renderer/index.html') },
    },
  },
})
