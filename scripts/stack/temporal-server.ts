import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Connection } from '@temporalio/client';
import { bookingSearchAttributes } from '../../workflows/search-attributes';
import { stopChild, stopOnExit } from './child-process';
import type { RunningServer } from './supervisor';
import { resolveTemporalCli } from './temporal-cli';

export interface TemporalDevServer extends RunningServer {
  address: string;
  uiUrl: string;
  /** Starts the dev server again on the same file and ports once it has exited (the supervisor's restart). */
  startAgain(): Promise<RunningServer>;
}

interface DevServerOptions {
  cliPath: string | null;
  dataDir: string;
  port: number;
  uiPort: number;
  namespace: string;
}

const SEARCH_ATTRIBUTE_TYPES: Record<string, string> = {
  KEYWORD: 'Keyword', KEYWORD_LIST: 'KeywordList', DATETIME: 'Datetime', TEXT: 'Text', INT: 'Int',
  DOUBLE: 'Double', BOOL: 'Bool',
};

async function waitForFrontend(address: string, namespace: string, child: ChildProcess, deadlineMs: number) {
  const started = Date.now();
  let lastError: unknown;
  while (Date.now() - started < deadlineMs) {
    if (child.exitCode !== null) throw new Error(`temporal dev server exited with code ${child.exitCode}`);
    try {
      const connection = await Connection.connect({ address, connectTimeout: 1000 });
      try {
        await connection.workflowService.describeNamespace({ namespace });
        return;
      } finally {
        await connection.close();
      }
    } catch (error) {
      lastError = error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error(`temporal dev server did not answer on ${address} within ${deadlineMs} ms: ${String(lastError)}`);
}


/**
 * `temporal server start-dev` with its state in a SQLite file under the data dir, so a second
 * start finds the workflows of the first. Search attributes are registered at launch.
 */
export async function startTemporalDevServer(options: DevServerOptions): Promise<TemporalDevServer> {
  fs.mkdirSync(options.dataDir, { recursive: true });
  const dbFilename = path.join(options.dataDir, 'temporal.sqlite');
  const address = `127.0.0.1:${options.port}`;
  const uiUrl = `http://127.0.0.1:${options.uiPort}`;
  const cli = resolveTemporalCli(options.cliPath);
  const searchAttributeArgs = bookingSearchAttributes.flatMap((key) => [
    '--search-attribute', `${key.name}=${SEARCH_ATTRIBUTE_TYPES[key.type]}`,
  ]);
  const args = [
    '--ip', '127.0.0.1', '--port', String(options.port), '--ui-port', String(options.uiPort),
    '--namespace', options.namespace, '--db-filename', dbFilename,
    '--sqlite-pragma', 'journal_mode=wal', '--sqlite-pragma', 'synchronous=normal',
    '--log-level', 'warn', '--ui-disable-news-fetch',
    // One partition per task queue: with a single worker, tasks never wait to be forwarded
    // between partitions before a poller sees them.
    '--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1',
    '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1',
    ...searchAttributeArgs,
  ];

  if (!cli) {
    // Last resort on machines with internet: the SDK downloads and runs the dev server itself.
    // Imported only here, so a normal start does not load the testing package.
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const env = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1', port: options.port, ui: true, uiPort: options.uiPort,
        namespace: options.namespace, dbFilename, searchAttributes: bookingSearchAttributes,
        extraArgs: ['--sqlite-pragma', 'journal_mode=wal'],
      },
    });
    // The SDK owns this process: nothing to watch, so nothing is restarted.
    const stop = () => env.teardown();
    return { address, uiUrl, exited: new Promise<string>(() => undefined), stop, startAgain: async () => ({ exited: new Promise<string>(() => undefined), stop }) };
  }

  const run = async (): Promise<RunningServer> => {
    const log = fs.openSync(path.join(options.dataDir, 'temporal.log'), 'a');
    const child = spawn(cli, ['server', 'start-dev', ...args], { stdio: ['ignore', log, log] });
    fs.closeSync(log);
    stopOnExit(child);
    const exited = new Promise<string>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? `code ${code}`)));
    try {
      await waitForFrontend(address, options.namespace, child, 60_000);
    } catch (error) {
      await stopChild(child);
      throw error;
    }
    return { exited, stop: () => stopChild(child) };
  };
  const first = await run();
  return { address, uiUrl, ...first, startAgain: run };
}
