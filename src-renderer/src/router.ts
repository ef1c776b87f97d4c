import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';

/**
 * Hash history: the desktop app loads the renderer from file://, where path-based routes would
 * point at files. The webcam view belongs to its own module and is only routed when it was built.
 */
const webcamModules = import.meta.glob('./views/WebcamView.vue');
const webcamLoader = webcamModules['./views/WebcamView.vue'];

export const hasWebcam = webcamLoader !== undefined;

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: '/datasets' },
  { path: '/datasets', name: 'datasets', component: () => import('./views/DatasetsView.vue'), meta: { title: 'Datasets' } },
  { path: '/train', name: 'train', component: () => import('./views/TrainView.vue'), meta: { title: 'Train' } },
  { path: '/runs', name: 'runs', component: () => import('./views/RunsView.vue'), meta: { title: 'Runs' } },
  { path: '/runs/:id', name: 'run', component: () => import('./views/RunDetailView.vue'), props: true, meta: { title: 'Run' } },
  { path: '/compare', name: 'compare', component: () => import('./views/CompareView.vue'), meta: { title: 'Compare' } },
  { path: '/queue', name: 'queue', component: () => import('./views/QueueView.vue'), meta: { title: 'Queue' } },
  { path: '/paper', name: 'paper', component: () => import('./views/PaperResultsView.vue'), meta: { title: 'Paper results' } },
  { path: '/system', name: 'system', component: () => import('./views/SystemView.vue'), meta: { title: 'System' } },
];
if (webcamLoader) {
  routes.push({ path: '/webcam', name: 'webcam', component: webcamLoader as () => Promise<never>, meta: { title: 'Webcam' } });
}

export const router = createRouter({ history: createWebHashHistory(), routes });

router.afterEach((to) => {
  document.title = `${String(to.meta.title ?? 'FER Lab')} · FER Lab`;
});
