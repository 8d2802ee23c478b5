import './style.css';
import { createAugmentExplorer } from './augment-explorer.js';
import { createBackendPicker } from './backend-picker.js';
import { createBenchmarkPanel } from './benchmark-panel.js';
import { showError } from './show-error.js';
import { TaskLock } from './task-lock.js';
import { createTrainPanel } from './train-panel.js';

const lock = new TaskLock();
const panel = (id: string) => document.querySelector<HTMLElement>(`#${id}`)!;

try {
  await createBackendPicker(panel('backend'), lock);
  createTrainPanel(panel('train'), lock);
  createBenchmarkPanel(panel('bench'), lock);
  await createAugmentExplorer(panel('explorer'));
  // Everything is wired and the data is loaded: tests wait for this.
  document.body.dataset.ready = 'true';
} catch (error) {
  showError(panel('backend'), error);
}
