#!/usr/bin/env python3
"""diff_parse.py - our response parsers against botocore's, on real responses.

Starts moto (shared/tools/moto-server-ecs) on loopback inside a network
namespace of its own, drives boto3 through a deployment-like scenario that
calls every operation of tools/operations.txt moto supports, plus deliberate
errors in each protocol, and records every raw HTTP response (status,
headers, body) with a botocore `before-parse` hook. Then tests/aws-parse
parses all of them in one batch and each result is compared with
botocore.parsers.create_parser(protocol).parse(...): outputs less
ResponseMetadata, with datetimes as our ISO-8601 form and blobs as base64;
errors by code, message and request id.

A few responses no emulator sends (a bare 503, an HTML 502, codes with
"prefix#" and ":suffix", x-amzn-query-error) are added by hand and compared
the same way.

Prints one line per disagreement, the operations moto could not exercise,
and "N passed, N failed". Exit 0 when all agree, 1 otherwise, 77 when
boto3/moto are missing.
"""

import base64
import datetime
import json
import math
import os
import socket
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def srcdir():
    return os.environ.get('top_srcdir') or os.path.dirname(HERE)


def builddir():
    return os.environ.get('top_builddir') or os.path.dirname(HERE)


def reexec_in_netns():
    """Run the rest of the test where only loopback exists."""
    if os.environ.get('ECSW_DIFF_PARSE_NETNS') == '1':
        links = subprocess.run(['ip', '-o', 'link', 'show'],
                               capture_output=True, text=True).stdout
        names = [l.split(':')[1].strip() for l in links.splitlines()]
        if names != ['lo']:
            print('diff_parse: not alone with loopback (%s); refusing' % names)
            sys.exit(1)
        return
    os.environ['ECSW_DIFF_PARSE_NETNS'] = '1'
    cmd = ['unshare', '-n', 'sh', '-c', 'ip link set lo up && exec "$0" "$@"',
           sys.executable, os.path.abspath(__file__)] + sys.argv[1:]
    try:
        os.execvp('unshare', cmd)
    except OSError as e:
        print('diff_parse: cannot unshare the network: %s' % e)
        sys.exit(77)


try:
    import boto3
    import botocore.parsers
    from botocore.config import Config
    from botocore.exceptions import ClientError
except ImportError:
    print('diff_parse: boto3/botocore not installed; skipping')
    sys.exit(77)


def free_port():
    s = socket.socket()
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_moto():
    moto = os.path.join(os.environ.get('ECSW_SHARED') or os.path.join(srcdir(), '..', 'shared'),
                        'tools', 'moto-server-ecs')
    if not os.path.exists(moto):
        print('diff_parse: %s not found; skipping' % moto)
        sys.exit(77)
    port = free_port()
    env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES='true')
    log = open(os.path.join(builddir(), 'tests', 'diff_parse.moto.log'), 'w')
    proc = subprocess.Popen([sys.executable, moto, '-H', '127.0.0.1', '-p',
                             str(port)], env=env, stdout=log, stderr=log)
    return proc, 'http://127.0.0.1:%d' % port


def wait_for_moto(proc, url):
    for _ in range(300):
        try:
            urllib.request.urlopen(url + '/moto-api/', timeout=1).read()
            return
        except Exception:
            if proc.poll() is not None:
                break
            time.sleep(0.1)
    proc.kill()
    print('diff_parse: moto did not start (see tests/diff_parse.moto.log)')
    sys.exit(1)


# ---- recording ------------------------------------------------------------

CAPTURES = []   # dicts: service, operation, status, headers, body (bytes)
CALLS = []      # (service, operation, outcome) for the coverage report
TIMES = []      # (seconds, service, operation): the slowest are shown


class Recorder:
    def __init__(self, key):
        self.key = key

    def __call__(self, operation_model, response_dict, **kwargs):
        CAPTURES.append({
            'service': self.key,
            'operation': operation_model.name,
            'protocol': operation_model.metadata['protocol'],
            'status': response_dict['status_code'],
            'headers': dict(response_dict['headers'].items()),
            'body': response_dict['body'],
        })


def make_clients(url):
    cfg = Config(retries={'total_max_attempts': 1, 'mode': 'standard'}, connect_timeout=5,
                 read_timeout=30)
    names = {'ec2': 'ec2', 'iam': 'iam', 'sts': 'sts',
             'autoscaling': 'autoscaling', 'elbv2': 'elbv2',
             'cloudformation': 'cloudformation', 'ecs': 'ecs', 'ecr': 'ecr',
             'logs': 'logs', 'ssm': 'ssm', 'service-quotas': 'service-quotas',
             'efs': 'efs', 'apigatewayv2': 'apigatewayv2',
             'pricing': 'pricing'}
    clients = {}
    for key, name in names.items():
        c = boto3.client(name, endpoint_url=url, region_name='us-east-1',
                         aws_access_key_id='AKIDEXAMPLE',
                         aws_secret_access_key='secret', config=cfg)
        c.meta.events.register('before-parse', Recorder(key))
        clients[key] = c
    return clients


class Scenario:
    def __init__(self, clients):
        self.c = clients

    def call(self, svc, op, expect_error=False, **kw):
        """Call op; return the parsed dict or {} on any failure."""
        client = self.c[svc]
        method = getattr(client, botocore_snake(client, op))
        t0 = time.time()
        try:
            out = method(**kw)
            CALLS.append((svc, op, 'ok'))
            return out
        except ClientError as e:
            code = e.response.get('Error', {}).get('Code', '?')
            CALLS.append((svc, op, 'error %s%s' % (
                code, '' if expect_error else ' (unexpected)')))
        except Exception as e:  # moto may not implement it
            CALLS.append((svc, op, 'failed %s' % type(e).__name__))
        finally:
            TIMES.append((time.time() - t0, svc, op))
        return {}


def botocore_snake(client, op):
    from botocore import xform_name
    return xform_name(op)


def ed25519_public_key():
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ed25519
    key = ed25519.Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH)


def run_scenario(clients):
    s = Scenario(clients)
    call = s.call
    az = ['us-east-1a', 'us-east-1b']
    trust = json.dumps({'Version': '2012-10-17', 'Statement': [{
        'Effect': 'Allow', 'Principal': {'Service': 'ec2.amazonaws.com'},
        'Action': 'sts:AssumeRole'}]})
    allow = json.dumps({'Version': '2012-10-17', 'Statement': [{
        'Effect': 'Allow', 'Action': 'ecs:*', 'Resource': '*'}]})

    # SSM first: the AMI the rest launches.
    ami = call('ssm', 'GetParameter', Name='/aws/service/ecs/optimized-ami/'
               'amazon-linux-2023/recommended/image_id').get(
        'Parameter', {}).get('Value', 'ami-12c6146b')
    call('ssm', 'GetParameter', True, Name='/ecsw/missing')

    # STS
    call('sts', 'GetCallerIdentity')

    # EC2: network
    call('ec2', 'DescribeAvailabilityZones')
    call('ec2', 'DescribeAccountAttributes')
    call('ec2', 'DescribeInstanceTypeOfferings',
         LocationType='availability-zone',
         Filters=[{'Name': 'instance-type', 'Values': ['t3.medium']}])
    vpc = call('ec2', 'CreateVpc', CidrBlock='10.0.0.0/16').get(
        'Vpc', {}).get('VpcId', 'vpc-x')
    call('ec2', 'ModifyVpcAttribute', VpcId=vpc,
         EnableDnsHostnames={'Value': True})
    call('ec2', 'DescribeVpcs', VpcIds=[vpc])
    call('ec2', 'DescribeVpcs', True, VpcIds=['vpc-0123456789abcdef0'])
    subnets = []
    for i, zone in enumerate(az):
        subnets.append(call('ec2', 'CreateSubnet', VpcId=vpc,
                            CidrBlock='10.0.%d.0/24' % (i + 1),
                            AvailabilityZone=zone).get(
            'Subnet', {}).get('SubnetId', 'subnet-x'))
    call('ec2', 'ModifySubnetAttribute', SubnetId=subnets[0],
         MapPublicIpOnLaunch={'Value': True})
    call('ec2', 'DescribeSubnets',
         Filters=[{'Name': 'vpc-id', 'Values': [vpc]}])
    igw = call('ec2', 'CreateInternetGateway').get(
        'InternetGateway', {}).get('InternetGatewayId', 'igw-x')
    call('ec2', 'AttachInternetGateway', InternetGatewayId=igw, VpcId=vpc)
    call('ec2', 'DescribeInternetGateways', InternetGatewayIds=[igw])
    rtb = call('ec2', 'CreateRouteTable', VpcId=vpc).get(
        'RouteTable', {}).get('RouteTableId', 'rtb-x')
    call('ec2', 'CreateRoute', RouteTableId=rtb,
         DestinationCidrBlock='0.0.0.0/0', GatewayId=igw)
    call('ec2', 'ReplaceRoute', RouteTableId=rtb,
         DestinationCidrBlock='0.0.0.0/0', GatewayId=igw)
    assoc = call('ec2', 'AssociateRouteTable', RouteTableId=rtb,
                 SubnetId=subnets[0]).get('AssociationId', 'rtbassoc-x')
    call('ec2', 'DescribeRouteTables', RouteTableIds=[rtb])
    sg = call('ec2', 'CreateSecurityGroup', GroupName='ecsw-diff',
              Description='diff test', VpcId=vpc).get('GroupId', 'sg-x')
    perm = [{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22,
             'IpRanges': [{'CidrIp': '192.0.2.0/24'}]}]
    call('ec2', 'AuthorizeSecurityGroupIngress', GroupId=sg,
         IpPermissions=perm)
    call('ec2', 'AuthorizeSecurityGroupEgress', GroupId=sg,
         IpPermissions=perm)
    call('ec2', 'DescribeSecurityGroups', GroupIds=[sg])
    call('ec2', 'RevokeSecurityGroupEgress', GroupId=sg, IpPermissions=perm)
    call('ec2', 'RevokeSecurityGroupIngress', GroupId=sg,
         IpPermissions=perm)
    call('ec2', 'CreateTags', Resources=[vpc],
         Tags=[{'Key': 'Name', 'Value': 'ecsw'}, {'Key': 'k', 'Value': 'v'}])
    call('ec2', 'DescribeTags',
         Filters=[{'Name': 'resource-id', 'Values': [vpc]}])
    call('ec2', 'DeleteTags', Resources=[vpc], Tags=[{'Key': 'k'}])
    call('ec2', 'DescribeImages', ImageIds=[ami])
    lt = call('ec2', 'CreateLaunchTemplate', LaunchTemplateName='ecsw-lt',
              LaunchTemplateData={
                  'ImageId': ami, 'InstanceType': 't3.medium',
                  'UserData': base64.b64encode(b'#!/bin/sh\n').decode(),
                  'SecurityGroupIds': [sg]}).get(
        'LaunchTemplate', {}).get('LaunchTemplateId', 'lt-x')
    call('ec2', 'DescribeLaunchTemplates', LaunchTemplateIds=[lt])
    call('ec2', 'DescribeLaunchTemplateVersions', LaunchTemplateId=lt)
    call('ec2', 'CreateKeyPair', KeyName='ecsw-made')
    call('ec2', 'ImportKeyPair', KeyName='ecsw-imported',
         PublicKeyMaterial=ed25519_public_key())
    call('ec2', 'DescribeKeyPairs')
    eip = call('ec2', 'AllocateAddress', Domain='vpc').get(
        'AllocationId', 'eipalloc-x')
    call('ec2', 'DescribeAddresses', AllocationIds=[eip])
    nat = call('ec2', 'CreateNatGateway', SubnetId=subnets[0],
               AllocationId=eip).get('NatGateway', {}).get(
        'NatGatewayId', 'nat-x')
    call('ec2', 'DescribeNatGateways', NatGatewayIds=[nat])
    inst = call('ec2', 'RunInstances', ImageId=ami, MinCount=1, MaxCount=1,
                InstanceType='t3.medium', SubnetId=subnets[0],
                SecurityGroupIds=[sg], KeyName='ecsw-made').get(
        'Instances', [{}])[0].get('InstanceId', 'i-x')
    call('ec2', 'DescribeInstances', InstanceIds=[inst])
    call('ec2', 'DescribeInstances', True,
         InstanceIds=['i-0123456789abcdef0'])
    call('ec2', 'GetConsoleOutput', InstanceId=inst)
    call('ec2', 'DescribeNetworkInterfaces',
         Filters=[{'Name': 'vpc-id', 'Values': [vpc]}])

    # IAM
    pol = call('iam', 'CreatePolicy', PolicyName='ecsw-policy',
               PolicyDocument=allow).get('Policy', {}).get('Arn', 'arn:x')
    call('iam', 'GetPolicy', PolicyArn=pol)
    call('iam', 'ListPolicies', Scope='Local')
    call('iam', 'CreatePolicyVersion', PolicyArn=pol, PolicyDocument=allow,
         SetAsDefault=True)
    call('iam', 'ListPolicyVersions', PolicyArn=pol)
    call('iam', 'DeletePolicyVersion', PolicyArn=pol, VersionId='v1')
    call('iam', 'TagPolicy', PolicyArn=pol,
         Tags=[{'Key': 'app', 'Value': 'ecsw'}])
    user = call('iam', 'CreateUser', UserName='ecsw-user').get(
        'User', {}).get('Arn', 'arn:x')
    call('iam', 'GetUser', UserName='ecsw-user')
    call('iam', 'GetUser', True, UserName='ecsw-nobody')
    call('iam', 'TagUser', UserName='ecsw-user',
         Tags=[{'Key': 'app', 'Value': 'ecsw'}])
    call('iam', 'AttachUserPolicy', UserName='ecsw-user', PolicyArn=pol)
    call('iam', 'ListAttachedUserPolicies', UserName='ecsw-user')
    call('iam', 'DeleteUserPolicy', True, UserName='ecsw-user',
         PolicyName='ecsw-none')
    # PutUserPolicy and CreateLoginProfile are set-up only: we do not
    # call them, so their responses are not compared.
    call('iam', 'PutUserPolicy', UserName='ecsw-user', PolicyName='inline',
         PolicyDocument=allow)
    call('iam', 'ListUserPolicies', UserName='ecsw-user')
    call('iam', 'DeleteUserPolicy', UserName='ecsw-user', PolicyName='inline')
    key = call('iam', 'CreateAccessKey', UserName='ecsw-user').get(
        'AccessKey', {}).get('AccessKeyId', 'AKIAX')
    call('iam', 'ListAccessKeys', UserName='ecsw-user')
    call('iam', 'DeleteAccessKey', UserName='ecsw-user', AccessKeyId=key)
    call('iam', 'DeleteLoginProfile', True, UserName='ecsw-user')
    call('iam', 'CreateLoginProfile', UserName='ecsw-user',
         Password='Ecsw-diff-test-1!')
    call('iam', 'DeleteLoginProfile', UserName='ecsw-user')
    call('iam', 'SimulatePrincipalPolicy', PolicySourceArn=user,
         ActionNames=['ecs:CreateCluster'])
    call('iam', 'DetachUserPolicy', UserName='ecsw-user', PolicyArn=pol)
    call('iam', 'DeleteUser', UserName='ecsw-user')
    role = call('iam', 'CreateRole', RoleName='ecsw-role',
                AssumeRolePolicyDocument=trust).get(
        'Role', {}).get('Arn', 'arn:x')
    call('iam', 'GetRole', RoleName='ecsw-role')
    call('iam', 'TagRole', RoleName='ecsw-role',
         Tags=[{'Key': 'app', 'Value': 'ecsw'}])
    managed = ('arn:aws:iam::aws:policy/service-role/'
               'AmazonEC2ContainerServiceforEC2Role')
    call('iam', 'AttachRolePolicy', RoleName='ecsw-role', PolicyArn=managed)
    call('iam', 'ListAttachedRolePolicies', RoleName='ecsw-role')
    call('iam', 'PutRolePolicy', RoleName='ecsw-role',
         PolicyName='inline', PolicyDocument=allow)
    call('iam', 'CreateInstanceProfile', InstanceProfileName='ecsw-ip')
    call('iam', 'AddRoleToInstanceProfile', InstanceProfileName='ecsw-ip',
         RoleName='ecsw-role')
    call('iam', 'GetInstanceProfile', InstanceProfileName='ecsw-ip')
    call('iam', 'ListInstanceProfilesForRole', RoleName='ecsw-role')
    call('iam', 'CreateServiceLinkedRole', AWSServiceName='ecs.amazonaws.com')
    call('sts', 'AssumeRole', RoleArn=role, RoleSessionName='ecsw')

    # Auto Scaling
    asg_arn = None
    call('autoscaling', 'CreateAutoScalingGroup', AutoScalingGroupName='ecsw-asg',
         LaunchTemplate={'LaunchTemplateId': lt, 'Version': '$Latest'},
         MinSize=0, MaxSize=2, DesiredCapacity=1,
         VPCZoneIdentifier=','.join(subnets))
    groups = call('autoscaling', 'DescribeAutoScalingGroups',
                  AutoScalingGroupNames=['ecsw-asg']).get(
        'AutoScalingGroups', [])
    if groups:
        asg_arn = groups[0].get('AutoScalingGroupARN')
    call('autoscaling', 'UpdateAutoScalingGroup',
         AutoScalingGroupName='ecsw-asg', MaxSize=3)
    call('autoscaling', 'UpdateAutoScalingGroup', True,
         AutoScalingGroupName='ecsw-missing', MaxSize=3)
    call('autoscaling', 'CreateOrUpdateTags', Tags=[{
        'ResourceId': 'ecsw-asg', 'ResourceType': 'auto-scaling-group',
        'Key': 'AmazonECSManaged', 'Value': '', 'PropagateAtLaunch': True}])
    call('autoscaling', 'DescribeScalingActivities',
         AutoScalingGroupName='ecsw-asg')

    # ELBv2
    tg = call('elbv2', 'CreateTargetGroup', Name='ecsw-tg', Protocol='HTTP',
              Port=8000, VpcId=vpc, TargetType='ip',
              HealthCheckPath='/health').get(
        'TargetGroups', [{}])[0].get('TargetGroupArn', 'arn:x')
    call('elbv2', 'DescribeTargetGroups', TargetGroupArns=[tg])
    call('elbv2', 'ModifyTargetGroupAttributes', TargetGroupArn=tg,
         Attributes=[{'Key': 'deregistration_delay.timeout_seconds',
                      'Value': '30'}])
    lb = call('elbv2', 'CreateLoadBalancer', Name='ecsw-lb', Subnets=subnets,
              SecurityGroups=[sg], Scheme='internal', Type='application').get(
        'LoadBalancers', [{}])[0].get('LoadBalancerArn', 'arn:x')
    call('elbv2', 'DescribeLoadBalancers', LoadBalancerArns=[lb])
    call('elbv2', 'DescribeLoadBalancers', True, Names=['ecsw-missing'])
    listener = call('elbv2', 'CreateListener', LoadBalancerArn=lb,
                    Protocol='HTTP', Port=80, DefaultActions=[{
                        'Type': 'forward', 'TargetGroupArn': tg}]).get(
        'Listeners', [{}])[0].get('ListenerArn', 'arn:x')
    call('elbv2', 'DescribeListeners', LoadBalancerArn=lb)
    call('elbv2', 'DescribeTargetHealth', TargetGroupArn=tg)
    call('elbv2', 'AddTags', ResourceArns=[lb],
         Tags=[{'Key': 'app', 'Value': 'ecsw'}])
    call('elbv2', 'DescribeTags', ResourceArns=[lb])

    # CloudFormation
    call('cloudformation', 'ListStacks')
    call('cloudformation', 'CreateStack', StackName='ecsw-stack',
         TemplateBody=json.dumps({'Resources': {'Log': {
             'Type': 'AWS::Logs::LogGroup',
             'Properties': {'LogGroupName': 'ecsw-cfn'}}}}))
    call('cloudformation', 'DescribeStacks', StackName='ecsw-stack')
    call('cloudformation', 'DescribeStackResources', StackName='ecsw-stack')
    call('cloudformation', 'DescribeStacks', True, StackName='ecsw-missing')

    # ECS
    call('ecs', 'CreateCluster', clusterName='ecsw')
    call('ecs', 'DescribeClusters', clusters=['ecsw'])
    if asg_arn:
        call('ecs', 'CreateCapacityProvider', name='ecsw-cp',
             autoScalingGroupProvider={
                 'autoScalingGroupArn': asg_arn,
                 'managedScaling': {'status': 'ENABLED',
                                    'targetCapacity': 100},
                 'managedTerminationProtection': 'DISABLED'})
    call('ecs', 'DescribeCapacityProviders', capacityProviders=['ecsw-cp'])
    call('ecs', 'PutClusterCapacityProviders', cluster='ecsw',
         capacityProviders=['ecsw-cp'], defaultCapacityProviderStrategy=[{
             'capacityProvider': 'ecsw-cp', 'weight': 1}])
    call('ecs', 'RegisterTaskDefinition', family='ecsw-td',
         networkMode='awsvpc', requiresCompatibilities=['EC2'],
         cpu='1024', memory='2048', containerDefinitions=[{
             'name': 'app', 'image': 'registry.example/app:1',
             'essential': True, 'cpu': 1024, 'memory': 2048,
             'portMappings': [{'containerPort': 8000, 'protocol': 'tcp'}],
             'environment': [{'name': 'A', 'value': 'b'}]}])
    call('ecs', 'DescribeTaskDefinition', taskDefinition='ecsw-td')
    call('ecs', 'DescribeTaskDefinition', True, taskDefinition='ecsw-none:9')
    call('ecs', 'ListTaskDefinitions')
    call('ecs', 'CreateService', cluster='ecsw', serviceName='ecsw-svc',
         taskDefinition='ecsw-td', desiredCount=1,
         networkConfiguration={'awsvpcConfiguration': {
             'subnets': subnets, 'securityGroups': [sg]}},
         loadBalancers=[{'targetGroupArn': tg, 'containerName': 'app',
                         'containerPort': 8000}])
    call('ecs', 'DescribeServices', cluster='ecsw', services=['ecsw-svc'])
    call('ecs', 'ListServices', cluster='ecsw')
    tasks = call('ecs', 'ListTasks', cluster='ecsw',
                 serviceName='ecsw-svc').get('taskArns', [])
    call('ecs', 'DescribeTasks', cluster='ecsw', tasks=tasks or ['none'])
    call('ecs', 'RegisterContainerInstance', cluster='ecsw',
         instanceIdentityDocument=json.dumps({'instanceId': inst}))
    cis = call('ecs', 'ListContainerInstances', cluster='ecsw').get(
        'containerInstanceArns', [])
    call('ecs', 'DescribeContainerInstances', cluster='ecsw',
         containerInstances=cis or ['none'])
    call('ecs', 'UpdateService', cluster='ecsw', service='ecsw-svc',
         desiredCount=2)
    call('ecs', 'TagResource', resourceArn='arn:aws:ecs:us-east-1:'
         '123456789012:cluster/ecsw', tags=[{'key': 'app', 'value': 'ecsw'}])

    # ECR
    call('ecr', 'CreateRepository', repositoryName='ecsw/app')
    call('ecr', 'DescribeRepositories', repositoryNames=['ecsw/app'])
    call('ecr', 'DescribeRepositories', True, repositoryNames=['ecsw/none'])
    call('ecr', 'GetAuthorizationToken')
    call('ecr', 'ListImages', repositoryName='ecsw/app')
    call('ecr', 'DescribeImages', repositoryName='ecsw/app')
    call('ecr', 'BatchGetImage', repositoryName='ecsw/app',
         imageIds=[{'imageTag': 'latest'}])
    call('ecr', 'DeleteRepository', repositoryName='ecsw/app', force=True)

    # CloudWatch Logs
    call('logs', 'CreateLogGroup', logGroupName='/ecs/ecsw')
    call('logs', 'PutRetentionPolicy', logGroupName='/ecs/ecsw',
         retentionInDays=30)
    call('logs', 'DescribeLogGroups', logGroupNamePrefix='/ecs/')
    call('logs', 'DeleteLogGroup', logGroupName='/ecs/ecsw')
    call('logs', 'DeleteLogGroup', True, logGroupName='/ecs/ecsw')

    # Service Quotas, Pricing
    call('service-quotas', 'GetServiceQuota', True, ServiceCode='ec2',
         QuotaCode='L-1216C47A')  # moto only knows vpc quotas
    call('service-quotas', 'GetServiceQuota', ServiceCode='vpc',
         QuotaCode='L-F678F1CE')
    call('service-quotas', 'ListServiceQuotas', ServiceCode='ec2')
    call('pricing', 'GetProducts', ServiceCode='AmazonEC2', MaxResults=1,
         Filters=[{'Type': 'TERM_MATCH', 'Field': 'instanceType',
                   'Value': 't3.medium'}])

    # EFS (rest-json)
    fs = call('efs', 'CreateFileSystem', CreationToken='ecsw-fs',
              Encrypted=True, Tags=[{'Key': 'Name', 'Value': 'ecsw'}]).get(
        'FileSystemId', 'fs-x')
    call('efs', 'DescribeFileSystems', FileSystemId=fs)
    call('efs', 'DescribeFileSystems', True, FileSystemId='fs-01234567')
    mt = call('efs', 'CreateMountTarget', FileSystemId=fs,
              SubnetId=subnets[0], SecurityGroups=[sg]).get(
        'MountTargetId', 'fsmt-x')
    call('efs', 'DescribeMountTargets', FileSystemId=fs)
    call('efs', 'TagResource', ResourceId=fs,
         Tags=[{'Key': 'app', 'Value': 'ecsw'}])

    # API Gateway v2 (rest-json)
    api = call('apigatewayv2', 'CreateApi', Name='ecsw-api',
               ProtocolType='HTTP').get('ApiId', 'x')
    call('apigatewayv2', 'GetApis')
    call('apigatewayv2', 'GetApi', ApiId=api)
    call('apigatewayv2', 'GetApi', True, ApiId='nope123')
    link = call('apigatewayv2', 'CreateVpcLink', Name='ecsw-link',
                SubnetIds=subnets, SecurityGroupIds=[sg]).get(
        'VpcLinkId', 'x')
    call('apigatewayv2', 'GetVpcLinks')
    call('apigatewayv2', 'GetVpcLink', VpcLinkId=link)
    integ = call('apigatewayv2', 'CreateIntegration', ApiId=api,
                 IntegrationType='HTTP_PROXY', IntegrationMethod='ANY',
                 IntegrationUri=listener, ConnectionType='VPC_LINK',
                 ConnectionId=link, PayloadFormatVersion='1.0').get(
        'IntegrationId', 'x')
    call('apigatewayv2', 'CreateRoute', ApiId=api, RouteKey='ANY /{proxy+}',
         Target='integrations/' + integ)
    call('apigatewayv2', 'CreateStage', ApiId=api, StageName='$default',
         AutoDeploy=True)

    # Teardown, in the order the wizard undoes things.
    call('apigatewayv2', 'DeleteVpcLink', VpcLinkId=link)
    call('apigatewayv2', 'DeleteApi', ApiId=api)
    call('efs', 'DeleteMountTarget', MountTargetId=mt)
    call('efs', 'DeleteFileSystem', FileSystemId=fs)
    call('ecs', 'DeleteService', cluster='ecsw', service='ecsw-svc',
         force=True)
    call('ecs', 'DeregisterTaskDefinition', taskDefinition='ecsw-td:1')
    call('ecs', 'PutClusterCapacityProviders', cluster='ecsw',
         capacityProviders=[], defaultCapacityProviderStrategy=[])
    call('ecs', 'DeleteCapacityProvider', capacityProvider='ecsw-cp')
    call('ecs', 'DeleteCluster', cluster='ecsw')
    call('ecs', 'DeleteCluster', True, cluster='ecsw-missing')
    call('cloudformation', 'DeleteStack', StackName='ecsw-stack')
    call('elbv2', 'DeleteListener', ListenerArn=listener)
    call('elbv2', 'DeleteLoadBalancer', LoadBalancerArn=lb)
    call('elbv2', 'DeleteTargetGroup', TargetGroupArn=tg)
    call('autoscaling', 'DeleteAutoScalingGroup',
         AutoScalingGroupName='ecsw-asg', ForceDelete=True)
    call('iam', 'RemoveRoleFromInstanceProfile',
         InstanceProfileName='ecsw-ip', RoleName='ecsw-role')
    call('iam', 'DeleteInstanceProfile', InstanceProfileName='ecsw-ip')
    call('iam', 'DetachRolePolicy', RoleName='ecsw-role', PolicyArn=managed)
    call('iam', 'DeleteRole', True, RoleName='ecsw-role')  # inline policy left
    call('iam', 'DeleteRolePolicy', RoleName='ecsw-role', PolicyName='inline')
    call('iam', 'DeleteRole', RoleName='ecsw-role')
    call('iam', 'DeletePolicy', PolicyArn=pol)
    call('ec2', 'TerminateInstances', InstanceIds=[inst])
    call('ec2', 'DeleteNatGateway', NatGatewayId=nat)
    call('ec2', 'ReleaseAddress', AllocationId=eip)
    call('ec2', 'DeleteKeyPair', KeyName='ecsw-made')
    call('ec2', 'DeleteKeyPair', KeyName='ecsw-imported')
    call('ec2', 'DeleteLaunchTemplate', LaunchTemplateId=lt)
    call('ec2', 'DisassociateRouteTable', AssociationId=assoc)
    call('ec2', 'DeleteRoute', RouteTableId=rtb,
         DestinationCidrBlock='0.0.0.0/0')
    call('ec2', 'DeleteRouteTable', RouteTableId=rtb)
    call('ec2', 'DetachInternetGateway', InternetGatewayId=igw, VpcId=vpc)
    call('ec2', 'DeleteInternetGateway', InternetGatewayId=igw)
    call('ec2', 'DeleteSecurityGroup', GroupId=sg)
    for sn in subnets:
        call('ec2', 'DeleteSubnet', SubnetId=sn)
    call('ec2', 'DeleteVpc', VpcId=vpc)
    call('ec2', 'DeleteVpc', True, VpcId=vpc)


# ---- responses no emulator sends ------------------------------------------

def synthetic_cases():
    ec2_err = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors>'
               b'<Error><Code>AuthFailure</Code><Message>AWS was not able to '
               b'validate the provided access credentials</Message></Error>'
               b'</Errors><RequestID>59dbff89-35bd-4eac-99ed-be587</RequestID>'
               b'</Response>')
    query_err = (b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-'
                 b'08/"><Error><Type>Sender</Type><Code>SignatureDoesNotMatch'
                 b'</Code><Message>The request signature we calculated does '
                 b'not match &amp; so on</Message></Error><RequestId>4c3e-'
                 b'a1</RequestId></ErrorResponse>')
    base = {'ec2': ('DescribeVpcs', 'ec2'), 'iam': ('GetUser', 'query'),
            'ecs': ('DescribeClusters', 'json'),
            'efs': ('DescribeFileSystems', 'rest-json')}
    cases = [
        ('ec2', 401, {}, ec2_err),
        ('iam', 403, {}, query_err),
        ('ec2', 503, {}, b''),
        ('iam', 502, {}, b'<html><body>Bad Gateway</body></html>'),
        ('ecs', 503, {'x-amzn-RequestId': 'r-503'}, b''),
        ('ecs', 400, {'x-amzn-RequestId': 'r-1'},
         b'{"__type":"com.amazonaws.ecs#ClientException:http://internal",'
         b'"message":"bad thing"}'),
        ('ecs', 400, {'x-amzn-RequestId': 'r-2'},
         b'{"__type":"ThrottlingException","Message":"Rate exceeded"}'),
        ('ecs', 400, {'x-amzn-RequestId': 'r-3',
                      'x-amzn-query-error': 'AWS.Legacy.Code;Sender'},
         b'{"__type":"NewStyleException","message":"m"}'),
        ('ecs', 400, {'x-amzn-RequestId': 'r-4'}, b''),
        ('efs', 404, {'x-amzn-RequestId': 'r-5',
                      'x-amzn-ErrorType': 'FileSystemNotFound:http://x'},
         b'{"ErrorCode":"FileSystemNotFound","Message":"fs not found"}'),
        ('efs', 400, {'x-amzn-RequestId': 'r-6'},
         b'{"code":"BadRequest","message":"no"}'),
        ('ecs', 200, {'x-amzn-RequestId': 'r-7'},
         b'{"clusters":[{"clusterName":"c","registeredContainerInstancesCount"'
         b':3,"tags":[],"statistics":null}],"failures":[]}'),
        ('efs', 200, {'x-amzn-RequestId': 'r-8'},
         b'{"FileSystems":[{"FileSystemId":"fs-1","CreationTime":1700000000.5'
         b',"SizeInBytes":{"Value":6144,"Timestamp":"2026-11-28T04:17:05Z"},'
         b'"Encrypted":true,"Tags":[]}]}'),
    ]
    out = []
    for svc, status, headers, body in cases:
        op, proto = base[svc]
        out.append({'service': svc, 'operation': op, 'protocol': proto,
                    'status': status, 'headers': headers, 'body': body,
                    'synthetic': True})
    return out


# ---- comparing ------------------------------------------------------------

UTC = datetime.timezone.utc


def norm(v):
    """botocore's parsed values in our output's form."""
    if isinstance(v, datetime.datetime):
        if v.tzinfo is None:
            v = v.replace(tzinfo=UTC)
        v = v.astimezone(UTC)
        s = '%04d-%s' % (v.year, v.strftime('%m-%dT%H:%M:%S'))
        if v.microsecond:
            s += ('.%06d' % v.microsecond).rstrip('0')
        return s + 'Z'
    if isinstance(v, (bytes, bytearray)):
        return base64.b64encode(bytes(v)).decode()
    if isinstance(v, dict):
        return {k: norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [norm(x) for x in v]
    return v


def diff(a, b, path=''):
    """First difference between botocore's a and our b, or None."""
    if isinstance(a, bool) or isinstance(b, bool):
        return None if a is b else '%s: %r != %r' % (path, a, b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if a == b or math.isclose(a, b, rel_tol=1e-12):
            return None
        return '%s: %r != %r' % (path, a, b)
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a:
                return '%s.%s: only ours has it (%r)' % (path, k, b[k])
            if k not in b:
                return '%s.%s: only botocore has it (%r)' % (path, k, a[k])
            d = diff(a[k], b[k], '%s.%s' % (path, k))
            if d:
                return d
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return '%s: %d items != %d' % (path, len(a), len(b))
        for i, (x, y) in enumerate(zip(a, b)):
            d = diff(x, y, '%s[%d]' % (path, i))
            if d:
                return d
        return None
    return None if a == b else '%s: %r != %r' % (path, a, b)


def botocore_parse(cap):
    from botocore.awsrequest import HeadersDict
    svc = SERVICE_MODELS[cap['service']]
    op = svc.operation_model(cap['operation'])
    parser = botocore.parsers.create_parser(cap['protocol'])
    headers = HeadersDict(cap['headers'])
    return parser.parse({'status_code': cap['status'], 'headers': headers,
                         'body': cap['body']}, op.output_shape)


SERVICE_MODELS = {}


def is_html_5xx(cap):
    """A 5xx HTML page (moto's Flask sends "<!doctype html>"), which we
    treat as a generic error where botocore only knows "<html>"."""
    head = cap['body'].lstrip()[:14].lower()
    return cap['status'] >= 500 and (head.startswith(b'<html') or
                                     head.startswith(b'<!doctype html'))


def compare(cap, ours):
    try:
        ref = botocore_parse(cap)
    except Exception as e:
        if 'error' in ours and ours['error']['kind'] == 'parse':
            return None   # both refuse the body
        if 'error' in ours and is_html_5xx(cap) and \
                ours['error']['code'] == str(cap['status']):
            return None   # our deliberate widening of botocore's "<html>"
        return 'botocore raised %s: %s; ours: %s' % (
            type(e).__name__, e, json.dumps(ours)[:200])
    meta = ref.pop('ResponseMetadata', {})
    if 'Error' in ref or cap['status'] >= 300:
        err = ref.get('Error', {})
        if 'error' not in ours:
            return 'botocore saw error %r, we parsed output' % err
        o = ours['error']
        body = cap['body'].decode('utf-8', 'replace')
        if body and err.get('Message') == body and (
                o['kind'] == 'parse' or o['code'] == str(cap['status'])):
            return None  # botocore's "not JSON" fallback; ours refuses too
        if o['kind'] != 'service':
            return 'error kind %s (%s)' % (o['kind'], o['message'])
        want = (err.get('Code') or '', err.get('Message') or '')
        got = (o['code'], o['message'])
        if want != got:
            return 'error %r != ours %r' % (want, got)
        rid = meta.get('RequestId')
        if rid and rid != o['request_id']:
            return 'request id %r != ours %r' % (rid, o['request_id'])
        if o['http_status'] != cap['status']:
            return 'http_status %r != %r' % (o['http_status'], cap['status'])
        return None
    if 'output' not in ours:
        return 'botocore parsed output, we failed: %s' % json.dumps(ours)
    return diff(norm(ref), ours['output'], cap['operation'])


def read_operations():
    ops = []
    with open(os.path.join(srcdir(), 'tools', 'operations.txt')) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            svc, names = line.split(':', 1)
            ops += [(svc.strip(), n) for n in names.split()]
    return ops


def main():
    reexec_in_netns()
    started = time.time()
    prog = os.path.join(builddir(), 'tests', 'aws-parse')
    if not os.path.exists(prog):
        print('diff_parse: %s not built' % prog)
        return 1
    proc, url = start_moto()
    try:
        # boto3's clients take seconds to build: do it while moto starts.
        clients = make_clients(url)
        wait_for_moto(proc, url)
        print('moto up after %.1f s' % (time.time() - started))
        for key, c in clients.items():
            SERVICE_MODELS[key] = c.meta.service_model
        run_scenario(clients)
        print('scenario done after %.1f s' % (time.time() - started))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
    ops = read_operations()
    # Responses to set-up calls outside tools/operations.txt are not ours.
    caps = [c for c in CAPTURES if (c['service'], c['operation']) in ops]
    caps += synthetic_cases()
    lines = []
    for cap in caps:
        case = {'service': cap['service'], 'operation': cap['operation'],
                'status': cap['status'], 'headers': cap['headers']}
        try:
            case['body'] = cap['body'].decode('utf-8')
        except UnicodeDecodeError:
            case['body_b64'] = base64.b64encode(cap['body']).decode()
        lines.append(json.dumps(case))
    run = subprocess.run([prog], input='\n'.join(lines) + '\n',
                         capture_output=True, text=True, timeout=60)
    results = run.stdout.splitlines()
    if run.returncode != 0 or len(results) != len(caps):
        print('diff_parse: aws-parse exited %d with %d of %d results: %s' % (
            run.returncode, len(results), len(caps), run.stderr[-500:]))
        return 1
    passed = failed = 0
    seen_ok, seen_err = set(), set()
    for cap, line in zip(caps, results):
        ours = json.loads(line)
        name = '%s:%s %d%s' % (cap['service'], cap['operation'], cap['status'],
                               ' (synthetic)' if cap.get('synthetic') else '')
        problem = ours.get('fatal') or compare(cap, ours)
        if problem:
            failed += 1
            print('FAIL %s: %s' % (name, problem))
        else:
            passed += 1
        if not cap.get('synthetic'):
            (seen_ok if 200 <= cap['status'] < 300 else seen_err).add(
                (cap['service'], cap['operation']))
    missing = [o for o in ops if o not in seen_ok]
    print('compared %d responses: %d successes of %d/%d operations, '
          '%d error responses' % (
              len(caps), sum(1 for c in caps if 200 <= c['status'] < 300),
              len([o for o in ops if o in seen_ok]), len(ops),
              sum(1 for c in caps if not 200 <= c['status'] < 300)))
    outcome = {}
    for svc, op, what in CALLS:
        outcome.setdefault((svc, op), what)
    for svc, op in missing:
        print('not exercised by moto: %s:%s (%s)' % (
            svc, op, outcome.get((svc, op), 'not called')))
    print('error cases: ' + ', '.join(sorted(
        '%s:%s' % o for o in seen_err)))
    print('slowest calls: ' + ', '.join('%s:%s %.1fs' % (s, o, t) for t, s, o
                                        in sorted(TIMES, reverse=True)[:5]))
    print('elapsed %.1f s' % (time.time() - started))
    print('%d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
