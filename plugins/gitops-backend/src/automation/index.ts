/** Image automation: moving automated releases to the newest allowed tag. */
export { ImageAutomation } from './ImageAutomation';
export { AutomationScheduler } from './AutomationScheduler';
export type { ImageScanTrigger } from './AutomationScheduler';
