#!/usr/bin/env node
import { main } from "../dist/cli/run.js";

process.exitCode = await main(process.argv);
