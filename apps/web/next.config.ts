import type { NextConfig } from "next";

const config: NextConfig = {
  // @aios/spec ships TypeScript sources, not a build.
  transpilePackages: ["@aios/spec"],
  reactStrictMode: true,
  poweredByHeader: false,
};

export default config;
