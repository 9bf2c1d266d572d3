export interface Config {
  /** Configuration of the gitops backend plugin. */
  gitops?: {
    /**
     * How often the scheduled tasks run, unless a repository or cluster says
     * otherwise. A human duration such as `{ minutes: 1 }`, or an ISO 8601 duration.
     */
    schedule?: {
      frequency?: { [unit: string]: number } | string;
      timeout?: { [unit: string]: number } | string;
    };
  };
}
