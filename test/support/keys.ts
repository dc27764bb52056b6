import { generateKeyPairSync } from "node:crypto";

/** An RSA key pair in PEM: the private key in PKCS#1 ("BEGIN RSA PRIVATE KEY"), as GitHub issues app keys. */
export interface TestKeyPair {
  privateKey: string;
  publicKey: string;
}

let cached: TestKeyPair | undefined;

/**
 * A 2048-bit RSA key pair for the app's PRIVATE_KEY in tests, generated once per
 * process (generation takes ~50-200 ms) and never written to disk.
 */
export function testKeyPair(): TestKeyPair {
  cached ??= generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  return cached;
}

/** The private half of {@link testKeyPair}, ready for PRIVATE_KEY. */
export function testPrivateKey(): string {
  return testKeyPair().privateKey;
}
