/** Entry point of the `stewards` command (compiled to dist/bin/stewards.js). */
import { main } from "../src/cli/main.js";

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
