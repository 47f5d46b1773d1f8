import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as pulumi from "@pulumi/pulumi";
import { cloudflareSdkUrl } from "../cloudflare/sdk.ts";
import { creatorApiProvider } from "./provider.ts";
import type { DeployStage } from "./types.ts";

/** Arguments of one creator API resource (see CreatorApiInputs for each field's meaning). */
export interface CreatorApiArgs {
  accountId: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  databaseId: pulumi.Input<string>;
  bucketName: pulumi.Input<string>;
  kvNamespaceId: pulumi.Input<string>;
  slug: string;
  apiDir: string;
  kind: string;
  owner: string;
  price: string;
  priceAtomic: string;
  payTo: pulumi.Input<string>;
  splitter: string;
  platformWallet: string;
  platformFeeBps: number;
  creatorShareBps: number;
  contentHash: string;
  /** The secret names the manifest declares (plain: names are not secret). */
  secretNames: string[];
  /** Their values (a Pulumi secret): bound as secret_text, never in the catalog or a tag. */
  secrets: pulumi.Input<Record<string, string>>;
}

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
let provider: pulumi.dynamic.ResourceProvider | undefined;

/** The provider every CreatorApi uses: one instance, so Pulumi serialises it once and caches the text. */
export function sharedCreatorApiProvider(): pulumi.dynamic.ResourceProvider {
  provider ??= creatorApiProvider({
    repoRoot: REPO_ROOT,
    toolchainUrl: new URL("./toolchain.ts", import.meta.url).href,
    tsxApiUrl: pathToFileURL(createRequire(import.meta.url).resolve("tsx/esm/api")).href,
    sdkUrl: cloudflareSdkUrl(),
  });
  return provider;
}

/** A creator API deployed into the dispatch namespace and registered in the catalog. */
export class CreatorApi extends pulumi.dynamic.Resource {
  declare readonly slug: pulumi.Output<string>;
  declare readonly price: pulumi.Output<string>;
  declare readonly payTo: pulumi.Output<string>;
  declare readonly platformFeeBps: pulumi.Output<number>;
  declare readonly creatorShareBps: pulumi.Output<number>;
  declare readonly contentHash: pulumi.Output<string>;
  declare readonly deployedHash: pulumi.Output<string | null>;
  declare readonly stage: pulumi.Output<DeployStage>;
  declare readonly dataKey: pulumi.Output<string | null>;

  constructor(name: string, args: CreatorApiArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      sharedCreatorApiProvider(),
      name,
      { ...args, deployedHash: undefined, stage: undefined, dataKey: undefined, deployedAt: undefined },
      opts,
      "402claw",
      "CreatorApi",
    );
  }
}
