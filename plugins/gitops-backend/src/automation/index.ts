/** Image automation: moving automated releases to the newest allowed tag. */
export { ImageAutomation } from './ImageAutomation';
