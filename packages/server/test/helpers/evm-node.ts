/**
 * A local EVM chain for tests: Hardhat 2's network (its EDR engine, a Rust
 * EVM shipped inside the npm package) created in-process, and served over
 * JSON-RPC on 127.0.0.1 by Hardhat's own JsonRpcServer, without a Hardhat
 * project or config file. Nothing reaches a public network: no forking URL
 * is set, and Hardhat's compiler download and telemetry belong to tasks
 * that are never run here.
 */
import { createRequire } from "node:module";
import { toHex } from "@sealtrail/core";

const require = createRequire(import.meta.url);

/** Hardforks whose block formats differ: berlin (no base fee), london (base fee), shanghai (withdrawals root), cancun (blob gas, beacon root), prague (requests hash), osaka (Hardhat 2.29's default). */
export const HARDFORKS = ["berlin", "london", "shanghai", "cancun", "prague", "osaka"] as const;
export type Hardfork = (typeof HARDFORKS)[number];

export interface EvmNode {
  readonly url: string;
  readonly chainId: number;
  readonly hardfork: Hardfork;
  /** Funded private keys (the node also holds them, so eth_sendTransaction works from their addresses). */
  readonly keys: readonly Uint8Array[];
  rpc<T = unknown>(method: string, params?: readonly unknown[]): Promise<T>;
  close(): Promise<void>;
}

interface HardhatProvider {
  request(args: { method: string; params?: unknown[] }): Promise<unknown>;
}
interface HardhatServer {
  listen(): Promise<{ address: string; port: number }>;
  close(): Promise<void>;
}

/** Deterministic test keys: 0x01…01, 0x02…02, ... (each a valid secp256k1 scalar). */
export function testKey(i: number): Uint8Array {
  return new Uint8Array(32).fill(i + 1);
}

/**
 * Start a chain with `hardfork`, `chainId` (default 31337) and `accounts`
 * funded keys (default 4), automining one block per transaction.
 */
export async function startEvmNode(opts: { hardfork?: Hardfork; chainId?: number; accounts?: number } = {}): Promise<EvmNode> {
  const hardfork = opts.hardfork ?? "osaka";
  const chainId = opts.chainId ?? 31337;
  const keys = Array.from({ length: opts.accounts ?? 4 }, (_, i) => testKey(i));
  const { createHardhatNetworkProvider } = require("hardhat/internal/hardhat-network/provider/provider") as {
    createHardhatNetworkProvider(config: unknown, logger: unknown, artifacts: unknown): Promise<HardhatProvider>;
  };
  const { JsonRpcServer } = require("hardhat/internal/hardhat-network/jsonrpc/server") as {
    JsonRpcServer: new (c: { hostname: string; port: number; provider: HardhatProvider }) => HardhatServer;
  };
  const { defaultHardhatNetworkParams } = require("hardhat/internal/core/config/default-config") as { defaultHardhatNetworkParams: { chains: unknown } };
  const provider = await createHardhatNetworkProvider(
    {
      chainId,
      networkId: chainId,
      hardfork,
      blockGasLimit: 30_000_000,
      minGasPrice: 0n,
      // A reverted transaction is mined with status 0 instead of failing the RPC call (the tamper tests need one).
      throwOnTransactionFailures: false,
      throwOnCallFailures: false,
      automine: true,
      intervalMining: 0,
      mempoolOrder: "priority",
      chains: defaultHardhatNetworkParams.chains,
      genesisAccounts: keys.map((k) => ({ privateKey: "0x" + toHex(k), balance: "1000000000000000000000" })),
      allowUnlimitedContractSize: false,
      allowBlocksWithSameTimestamp: false,
      enableTransientStorage: false,
      enableRip7212: false,
    },
    { enabled: false },
    undefined,
  );
  const server = new JsonRpcServer({ hostname: "127.0.0.1", port: 0, provider });
  const { port } = await server.listen();
  const url = `http://127.0.0.1:${port}/`;
  return {
    url,
    chainId,
    hardfork,
    keys,
    async rpc<T>(method: string, params: readonly unknown[] = []): Promise<T> {
      return (await provider.request({ method, params: [...params] })) as T;
    },
    close: () => server.close(),
  };
}

/** Init code deploying a contract whose every call reverts: runtime PUSH1 0 PUSH1 0 REVERT. */
export const REVERTER_INITCODE = "0x6460006000fd6000526005601bf3";
/** Init code deploying a contract that logs one event (LOG1, topic = caller) on every call, so receipts carry logs. */
export const LOGGER_INITCODE = "0x653360006000a16000526006601af3";
