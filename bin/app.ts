/**
 * CDK entry point (`cdk synth`, `cdk deploy`): one data stack and one API stack per region listed
 * in the `identity-platform:regions` context (cdk.json, or `-c identity-platform:regions=…`).
 */
import { App } from 'aws-cdk-lib';
import { readPlatformSettings } from '../lib/config.ts';
import { buildPlatform } from '../lib/platform-app.ts';

const app = new App();
buildPlatform(app, readPlatformSettings(app.node));
