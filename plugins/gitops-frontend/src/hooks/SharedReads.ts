/**
 * Answers that the cards of one page share, by key (an entity ref). The
 * first card to ask starts the request; a card that asks for the same key
 * and generation meanwhile, or while the answer is on screen, gets the same
 * promise. An answer is dropped when no mounted card uses its key any more,
 * so a page opened again reads afresh, and when it failed, so the next card
 * to ask tries again.
 */
export class SharedReads<T> {
  private readonly answers = new Map<
    string,
    { generation: number; answer: Promise<T> }
  >();
  private readonly users = new Map<string, number>();

  /** Marks `key` as on screen until the returned function is called. */
  use(key: string): () => void {
    this.users.set(key, (this.users.get(key) ?? 0) + 1);
    return () => {
      const left = (this.users.get(key) ?? 1) - 1;
      if (left > 0) {
        this.users.set(key, left);
        return;
      }
      this.users.delete(key);
      this.answers.delete(key);
    };
  }

  /** The answer for `key` in this generation, loading it only if none is kept. */
  read(key: string, generation: number, load: () => Promise<T>): Promise<T> {
    const kept = this.answers.get(key);
    if (kept && kept.generation === generation) return kept.answer;
    const answer = load();
    this.answers.set(key, { generation, answer });
    answer.catch(() => {
      if (this.answers.get(key)?.answer === answer) this.answers.delete(key);
    });
    return answer;
  }
}
