import { CACHE_BUDGETS_MIB, CacheBudgets } from './CacheBudgets';
import { memoryLogFields, readMemoryReport } from './memoryReport';

const byLength = (_key: string, value: string) => value.length;

describe('CacheBudgets', () => {
  it('gives each cache its configured budget, defaults for the rest', () => {
    const budgets = new CacheBudgets({ helmRevisions: 1, parsedFiles: -3 });
    expect(budgets.budgetBytes('helmRevisions')).toBe(1024 * 1024);
    expect(budgets.budgetBytes('parsedFiles')).toBe(
      CACHE_BUDGETS_MIB.parsedFiles * 1024 * 1024,
    );
    const cache = budgets.create('helmRevisions', byLength);
    expect(cache.maxBytes).toBe(1024 * 1024);
    budgets.configure({ helmRevisions: 2 });
    expect(budgets.create('helmRevisions', byLength).maxBytes).toBe(
      2 * 1024 * 1024,
    );
  });

  it('reports bytes and entries summed over the instances of a cache', () => {
    const budgets = new CacheBudgets({ overlayFolders: 0.001 });
    const a = budgets.create<string, string>('overlayFolders', byLength);
    const b = budgets.create<string, string>('overlayFolders', byLength);
    a.set('x', 'x'.repeat(100));
    b.set('y', 'y'.repeat(200));
    for (let i = 0; i < 100; i++) b.set(`z${i}`, 'z'.repeat(100));
    const report = budgets.report();
    expect(report.overlayFolders).toMatchObject({
      bytes: a.bytes + b.bytes,
      entries: a.size + b.size,
      instances: 2,
      budgetBytes: 1048,
    });
    expect(report.overlayFolders.evictions).toBeGreaterThan(0);
    expect(b.bytes).toBeLessThanOrEqual(1048);
    expect(report.helmRevisions).toMatchObject({ bytes: 0, instances: 0 });
    expect(budgets.totalBytes()).toBe(a.bytes + b.bytes);
  });
});

describe('readMemoryReport', () => {
  it('reports the process memory and the caches, and turns them into log fields', () => {
    const budgets = new CacheBudgets();
    budgets.create<string, string>('parsedFiles', byLength).set('a', 'abc');
    const report = readMemoryReport(budgets);
    expect(report.rssBytes).toBeGreaterThan(0);
    expect(report.heapUsedBytes).toBeGreaterThan(0);
    expect(report.cacheBytes).toBe(3);
    expect(report.caches.parsedFiles.entries).toBe(1);
    const fields = memoryLogFields(report);
    expect(fields.parsedFilesEntries).toBe(1);
    expect(fields.rssMiB).toBeGreaterThan(0);
  });
});
