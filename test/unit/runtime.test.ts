import { test, expect } from "vitest"; test("node 24 runtime", () => { expect(Number(process.versions.node.split(".")[0])).toBeGreaterThanOrEqual(24); });
