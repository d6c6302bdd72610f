/**
 * The etcd versions this generator knows: the SHA-256 of each spec file at that release tag (a download whose
 * digest differs is refused) and which path prefixes a server of that version answers (see GATEWAY.md).
 * Data only; the spec files of these versions ship beside the package (etcd-specs/, read by shipped.ts).
 */
import type { Prefix } from './versions.js';

/** The three spec files etcd publishes under `Documentation/dev-guide/apispec/swagger/` at each release tag. */
export const SPEC_NAMES = ['rpc', 'v3lock', 'v3election'] as const;
export type SpecName = (typeof SPEC_NAMES)[number];

/** `rpc` → `rpc.swagger.json`. */
export function specFileName(name: SpecName): string {
  return `${name}.swagger.json`;
}

/** Lower-case hex SHA-256 of each spec file. */
export type SpecDigests = Readonly<Record<SpecName, string>>;

export interface KnownVersion {
  readonly version: string;
  readonly sha256: SpecDigests;
  /** The prefix the spec's own paths use. */
  readonly specPrefix: Prefix;
  /** Every prefix a server of this version answers, the preferred one first. */
  readonly servedPrefixes: readonly Prefix[];
}

export const MANIFEST: readonly KnownVersion[] = [
  {
    version: '3.2.32',
    sha256: {
      rpc: '60cb200d94adce0961e1393f480a6f1886f34e3be0cd35ac8c6eba1ec88e2b22',
      v3lock: 'cec3500a23b4009a65786cda29865c77511ec491145fa444771c16b46ae43b67',
      v3election: '881884de364c7851d1e127a6cd2e4d428e8efebee746fee49bf4046b920069c7',
    },
    specPrefix: '/v3alpha',
    servedPrefixes: ['/v3alpha'],
  },
  {
    version: '3.3.12',
    sha256: {
      rpc: '8178546b0632410c52fd54eafdc754d3e74859a66079a80157827dc60b97f014',
      v3lock: '86325fac545799aef11bdff3bdac55c85599b52cea8b5d9f8dddce7f0538b433',
      v3election: '84bd8f379b3c243c77ce9a9b9d86b21cba291670cbeb3bbdd680e6aca8b79adc',
    },
    specPrefix: '/v3beta',
    servedPrefixes: ['/v3beta', '/v3alpha'],
  },
  {
    version: '3.3.27',
    sha256: {
      rpc: '24069587c133009160524725fee733a65b35128865d85c833e86a802f3f05093',
      v3lock: 'cc2f1481642ee842ad33370b6cfbfa221a578d30647596f55995ceacd8f5ef6c',
      v3election: 'b5bc17cd6901fbfd585166280b422192c0f26100b95680ee5143f84b5c0caf67',
    },
    // The 3.3.27 spec says /v3, which a 3.3 server does not serve.
    specPrefix: '/v3',
    servedPrefixes: ['/v3beta', '/v3alpha'],
  },
  {
    version: '3.4.45',
    sha256: {
      rpc: '285f0ef77f8ff0cd6be0ce2b857bb9d2fdf4b962f4e6d5db1b07df27fcef886a',
      v3lock: 'cc2f1481642ee842ad33370b6cfbfa221a578d30647596f55995ceacd8f5ef6c',
      v3election: '416a343349d4acbbd6a9294885914443b011a4aa94bdf9b16cc3c80e1d98573b',
    },
    specPrefix: '/v3',
    servedPrefixes: ['/v3', '/v3beta'],
  },
  {
    version: '3.5.33',
    sha256: {
      rpc: '0282ef60e578dfa8281b99a8a7860f852f081f03f2a34a027650495d7861f3ae',
      v3lock: '704e8f138e6a49efb6069adc4f4b232c311dca311e3e872c5e2fc56eeff93877',
      v3election: 'd72e916b5bc32b184edf773449bb43e48a93a96704131eaa0f9ec0cea2149268',
    },
    specPrefix: '/v3',
    servedPrefixes: ['/v3', '/v3beta'],
  },
  {
    version: '3.6.14',
    sha256: {
      rpc: '19591c350caee6e0ba2aa4110c2595c816ca149e397eb70153ee9feeb9c40e46',
      v3lock: '6e50b7dc49a9ceefd0dfff694843785a7b6e31e9d9f8cff461277e1bb2def6ab',
      v3election: '14617334a3c16646a783a6dfae77af18331a9cb8e485591f775bc6ad00cf2ef9',
    },
    specPrefix: '/v3',
    servedPrefixes: ['/v3', '/v3beta'],
  },
];

/** The manifest entry of a version (`3.6.14`), if this generator knows it. */
export function knownVersion(version: string): KnownVersion | undefined {
  return MANIFEST.find((v) => v.version === version);
}
