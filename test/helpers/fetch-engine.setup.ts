// Setup of the `fetch-engine` test project: the same transport and resilience suites, on the fetch engine. The
// client picks the Node engine where process.getBuiltinModule hands out node:http; hidden, it falls back to fetch,
// as in a runtime without it.
Object.defineProperty(process, 'getBuiltinModule', { value: undefined, configurable: true, writable: true });
