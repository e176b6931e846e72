import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router'

// Hash history: the packaged app loads index.html from file://. Every view is its own chunk.
const routes: RouteRecordRaw[] = [
  { path: '/', name: 'servers', component: () => import('./views/ServersView.vue'), meta: { titleKey: 'servers.title' } },
  { path: '/servers/new', name: 'add-server', component: () => import('./views/AddServerView.vue'), meta: { titleKey: 'addServer.title' } },
  { path: '/servers/:id/edit', name: 'edit-server', component: () => import('./views/AddServerView.vue'), meta: { titleKey: 'dashboard.editServer' } },
  { path: '/servers/:id', redirect: (to) => ({ name: 'dashboard', params: { id: to.params['id'] } }) },
  { path: '/servers/:id/dashboard', name: 'dashboard', component: () => import('./views/DashboardView.vue'), meta: { area: 'dashboard' } },
  {
    path: '/servers/:id/:area(mail|configs|logs|firewall|services)',
    name: 'area',
    component: () => import('./views/AreaView.vue'),
  },
  { path: '/settings', name: 'settings', component: () => import('./views/SettingsView.vue'), meta: { titleKey: 'settings.title' } },
  { path: '/activity', name: 'activity', component: () => import('./views/ActivityView.vue'), meta: { titleKey: 'activity.title' } },
  { path: '/:pathMatch(.*)*', redirect: '/' },
]

export const router = createRouter({ history: createWebHashHistory(), routes })

declare module 'vue-router' {
  interface RouteMeta {
    titleKey?: string
    area?: string
  }
}
