import path from 'node:path';
import { PAYLOAD_CONVERTER_PATH } from '../personal-data/data-converter';

/** The workflows' entry point, for the bundler and for a worker that bundles them at start. */
export const WORKFLOWS_PATH = path.join(__dirname, '..', 'workflows');

/**
 * Evaluated once per workflow thread and shared, frozen, by every workflow run. Without it the SDK
 * evaluates the workflows' modules, the part of its own they import and the payload converter
 * afresh for every run (each run has its own module cache), which a new booking paid for in
 * worker CPU. None of these keeps state at module level; the request id's interceptor does, so it
 * stays evaluated per run.
 */
export const PRELOADED_WORKFLOW_MODULES = ['@temporalio/workflow', PAYLOAD_CONVERTER_PATH, WORKFLOWS_PATH];
