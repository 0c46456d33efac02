import type { NextConfig } from "next";

const config: NextConfig = {
  // @aios/contracts ships TypeScript sources, not a build.
  transpilePackages: ["@aios/contracts"],
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
