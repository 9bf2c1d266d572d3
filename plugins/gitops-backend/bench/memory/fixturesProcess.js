// The memory benchmark's fixtures in a process of their own: the simulated
// clusters and the registry, so that the benchmark's process holds only the
// backend whose memory it reports. Started by memoryFixtures.ts with fork().
require('@backstage/cli/config/nodeTransform.cjs');
require('./fixturesServer.ts').serve();
