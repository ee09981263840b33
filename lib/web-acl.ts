import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface ApiWebAclProps {
  /** ARN of the API Gateway stage to protect. */
  readonly stageArn: string;
  /** Requests per client IP per 5-minute window before WAF answers 429. */
  readonly rateLimit: number;
  /** Send WAF logs (with credentials redacted) to CloudWatch Logs. */
  readonly logging: boolean;
  readonly logRetentionDays: number;
}

const rateLimitedBodyKey = 'rate-limited';

/**
 * Regional WAFv2 web ACL for the REST API stage: AWS managed common and known-bad-input rule
 * groups plus a per-IP rate limit, optionally logged to CloudWatch Logs.
 */
export class ApiWebAcl extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logGroup?: logs.LogGroup;
  /** CloudWatch metric names (AWS/WAFV2): the web ACL's (dimension WebACL) and each rule's (dimension Rule). */
  readonly metricNames: { readonly webAcl: string; readonly rules: readonly string[] };

  constructor(scope: Construct, id: string, props: ApiWebAclProps) {
    super(scope, id);
    const metricPrefix = `IdentityPlatform-${Stack.of(this).region}`;
    const metricNames: string[] = [];
    const visibility = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => {
      metricNames.push(`${metricPrefix}-${name}`);
      return { cloudWatchMetricsEnabled: true, sampledRequestsEnabled: true, metricName: `${metricPrefix}-${name}` };
    };

    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      description: 'Identity platform REST API',
      defaultAction: { allow: {} },
      visibilityConfig: visibility('WebAcl'),
      customResponseBodies: {
        [rateLimitedBodyKey]: {
          contentType: 'APPLICATION_JSON',
          content: JSON.stringify({
            error: 'Too Many Requests',
            message: 'Too many requests from this address; retry later.',
            statusCode: 429,
          }),
        },
      },
      rules: [
        {
          // First, so a flood is shed before the (costlier) managed rule groups inspect it.
          name: 'RateLimitPerIp',
          priority: 0,
          statement: { rateBasedStatement: { limit: props.rateLimit, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
          action: { block: { customResponse: { responseCode: 429, customResponseBodyKey: rateLimitedBodyKey } } },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          name: 'AWSManagedRulesCommonRuleSet',
          priority: 10,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name: 'AWSManagedRulesCommonRuleSet',
              // SAML responses (HTTP-POST binding) and SCIM bulk bodies exceed the rule's 8 KB
              // body limit; API Gateway (10 MB) and the functions' own 413 handling bound sizes.
              ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
            },
          },
          visibilityConfig: visibility('CommonRuleSet'),
        },
        {
          name: 'AWSManagedRulesKnownBadInputsRuleSet',
          priority: 20,
          overrideAction: { none: {} },
          statement: { managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' } },
          visibilityConfig: visibility('KnownBadInputs'),
        },
      ],
    });

    // The web ACL's own visibility config is evaluated first: it precedes `rules` in the literal above.
    const [webAclMetricName = '', ...ruleMetricNames] = metricNames;
    this.metricNames = { webAcl: webAclMetricName, rules: ruleMetricNames };

    new wafv2.CfnWebACLAssociation(this, 'Association', {
      resourceArn: props.stageArn,
      webAclArn: this.webAcl.attrArn,
    });

    if (props.logging) {
      // WAF only delivers to log groups whose name starts with aws-waf-logs-.
      const logGroupName = `aws-waf-logs-${Stack.of(this).stackName}`;
      this.logGroup = new logs.LogGroup(this, 'Logs', {
        logGroupName,
        retention: props.logRetentionDays as logs.RetentionDays,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
        resourceArn: this.webAcl.attrArn,
        // WAF wants the log group ARN without the ":*" suffix that Fn::GetAtt returns.
        logDestinationConfigs: [
          Stack.of(this).formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: logGroupName,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
        // Credentials must never reach the logs.
        redactedFields: [
          { singleHeader: { Name: 'authorization' } },
          { singleHeader: { Name: 'x-operator-key' } },
          { singleHeader: { Name: 'cookie' } },
        ],
      });
      logging.node.addDependency(this.logGroup);
    }
  }
}
