export { ActivityContent } from './ActivityContent';
