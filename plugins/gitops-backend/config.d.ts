export interface Config {
  /**
   * Configuration of the gitops backend plugin. The plugin needs none to
   * start: without repositories it serves an empty pipeline.
   */
  gitops?: {};
}
