#!/usr/bin/env python3
"""The peer for bench/run: the same deployment as `ecs-wizard deploy`, made
as a plain boto3 script would make it, one call after another.

usage: peer_boto3.py ENDPOINT_URL NAME [--marketplace]
"""
import base64, json, sys, time

import boto3

endpoint, name = sys.argv[1], sys.argv[2]
marketplace = "--marketplace" in sys.argv
region = "us-east-1"
kw = dict(endpoint_url=endpoint, region_name=region)
ec2, iam, sts = (boto3.client(s, **kw) for s in ("ec2", "iam", "sts"))
ecr, efs, elb = (boto3.client(s, **kw) for s in ("ecr", "efs", "elbv2"))
asg, ecs, logs, ssm = (boto3.client(s, **kw) for s in ("autoscaling", "ecs", "logs", "ssm"))
tag = [{"Key": "ecs-wizard:deployment", "Value": name}]


def tags(kind, n):
    return [{"ResourceType": kind, "Tags": tag + [{"Key": "Name", "Value": n}]}]


account = sts.get_caller_identity()["Account"]
azs = [z["ZoneName"] for z in ec2.describe_availability_zones()["AvailabilityZones"]][:2]
ami = ssm.get_parameter(Name="/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id")["Parameter"]["Value"]

# 2 VPC and more
vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16", TagSpecifications=tags("vpc", name + "-vpc"))["Vpc"]["VpcId"]
ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsSupport={"Value": True})
ec2.modify_vpc_attribute(VpcId=vpc, EnableDnsHostnames={"Value": True})
igw = ec2.create_internet_gateway(TagSpecifications=tags("internet-gateway", name + "-igw"))["InternetGateway"]["InternetGatewayId"]
ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
public, private, private_rts = [], [], []
pub_rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=tags("route-table", name + "-rtb-public"))["RouteTable"]["RouteTableId"]
ec2.create_route(RouteTableId=pub_rt, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
for i, az in enumerate(azs):
    s = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i * 16}.0/20",
                          AvailabilityZone=az, TagSpecifications=tags("subnet", f"{name}-public{i + 1}"))["Subnet"]["SubnetId"]
    ec2.modify_subnet_attribute(SubnetId=s, MapPublicIpOnLaunch={"Value": True})
    ec2.associate_route_table(RouteTableId=pub_rt, SubnetId=s)
    public.append(s)
for i, az in enumerate(azs):
    s = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{128 + i * 16}.0/20", AvailabilityZone=az,
                          TagSpecifications=tags("subnet", f"{name}-private{i + 1}"))["Subnet"]["SubnetId"]
    rt = ec2.create_route_table(VpcId=vpc, TagSpecifications=tags("route-table", f"{name}-rtb-private{i + 1}"))["RouteTable"]["RouteTableId"]
    ec2.associate_route_table(RouteTableId=rt, SubnetId=s)
    private.append(s)
    private_rts.append(rt)

# 3 policy, 4 user and key pair
doc = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "ecr:*", "Resource": f"arn:aws:ecr:{region}:{account}:repository/*"},
    {"Effect": "Allow", "Action": ["iam:GetRole", "iam:ListInstanceProfilesForRole"], "Resource": f"arn:aws:iam::{account}:role/*"}]}
pol = iam.create_policy(PolicyName=name + "-policy", PolicyDocument=json.dumps(doc), Tags=tag)["Policy"]["Arn"]
iam.create_user(UserName=name + "-user", Tags=tag)
for arn in ("arn:aws:iam::aws:policy/AmazonECS_FullAccess",
            "arn:aws:iam::aws:policy/AmazonElasticFileSystemFullAccess", pol):
    iam.attach_user_policy(UserName=name + "-user", PolicyArn=arn)
ec2.create_key_pair(KeyName=name + "-key", TagSpecifications=tags("key-pair", name + "-key"))

# 5 ECR
ecr.create_repository(repositoryName=name, tags=[{"Key": t["Key"], "Value": t["Value"]} for t in tag])


# 6 security groups
def sg(n, desc):
    return ec2.create_security_group(GroupName=n, Description=desc, VpcId=vpc,
                                     TagSpecifications=tags("security-group", n))["GroupId"]


bastion_sg, ecs_sg = sg(name + "-bastion-sg", "bastion"), sg(name + "-ecs-sg", "ecs hosts")
efs_sg, lb_sg = sg(name + "-efs-sg", "efs"), sg(name + "-lb-sg", "load balancer")
ec2.authorize_security_group_ingress(GroupId=bastion_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "203.0.113.7/32"}]}])
ec2.authorize_security_group_ingress(GroupId=ecs_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": lb_sg}]},
    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
ec2.authorize_security_group_ingress(GroupId=efs_sg, IpPermissions=[
    {"IpProtocol": "tcp", "FromPort": 2049, "ToPort": 2049, "UserIdGroupPairs": [{"GroupId": ecs_sg}, {"GroupId": bastion_sg}]}])
ec2.authorize_security_group_ingress(GroupId=lb_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80, "IpRanges": [{"CidrIp": "10.0.0.0/16"}]}])
ec2.revoke_security_group_egress(GroupId=lb_sg, IpPermissions=[{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
ec2.authorize_security_group_egress(GroupId=lb_sg, IpPermissions=[{"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080, "UserIdGroupPairs": [{"GroupId": ecs_sg}]}])

# 7 EFS
fs = None
if not marketplace:
    fs = efs.create_file_system(CreationToken=name + "-efs", Tags=tag + [{"Key": "Name", "Value": name + "-efs"}])["FileSystemId"]
    while efs.describe_file_systems(FileSystemId=fs)["FileSystems"][0]["LifeCycleState"] != "available":
        time.sleep(1)
    for s in private:
        efs.create_mount_target(FileSystemId=fs, SubnetId=s, SecurityGroups=[efs_sg])

# roles
trust_ec2 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
trust_ecs = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ecs-tasks.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
iam.create_role(RoleName="ecsInstanceRole", AssumeRolePolicyDocument=json.dumps(trust_ec2))
iam.attach_role_policy(RoleName="ecsInstanceRole", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role")
iam.create_instance_profile(InstanceProfileName="ecsInstanceRole")
iam.add_role_to_instance_profile(InstanceProfileName="ecsInstanceRole", RoleName="ecsInstanceRole")
exec_role = iam.create_role(RoleName="ecsTaskExecutionRole", AssumeRolePolicyDocument=json.dumps(trust_ecs))["Role"]["Arn"]
iam.attach_role_policy(RoleName="ecsTaskExecutionRole", PolicyArn="arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")

# 8 launch template
user_data = base64.b64encode(f"#!/bin/bash\necho ECS_CLUSTER={name}-cluster >> /etc/ecs/ecs.config\n".encode()).decode()
lt = ec2.create_launch_template(LaunchTemplateName=name + "-lt", LaunchTemplateData={
    "ImageId": ami, "InstanceType": "m5zn.xlarge", "SecurityGroupIds": [ecs_sg],
    "IamInstanceProfile": {"Name": "ecsInstanceRole"}, "UserData": user_data,
    "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 50, "VolumeType": "gp3"}}]},
    TagSpecifications=tags("launch-template", name + "-lt"))["LaunchTemplate"]["LaunchTemplateId"]

# 9 target group, 10 load balancer and listener
tg = elb.create_target_group(Name=name + "-tg", Protocol="HTTP", Port=8080, VpcId=vpc, TargetType="ip",
                             HealthCheckPath="/healthz", Tags=tag)["TargetGroups"][0]["TargetGroupArn"]
lb = elb.create_load_balancer(Name=name + "-lb", Subnets=private, SecurityGroups=[lb_sg], Scheme="internal",
                              Type="application", Tags=tag)["LoadBalancers"][0]["LoadBalancerArn"]
elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80, DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])

# 11 auto scaling group
asg.create_auto_scaling_group(AutoScalingGroupName=name + "-asg", LaunchTemplate={"LaunchTemplateId": lt, "Version": "$Latest"},
                              MinSize=0, MaxSize=1, DesiredCapacity=1, VPCZoneIdentifier=",".join(private),
                              Tags=[{"Key": "ecs-wizard:deployment", "Value": name, "PropagateAtLaunch": True}])
asg_arn = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[name + "-asg"])["AutoScalingGroups"][0]["AutoScalingGroupARN"]

# 12 NAT gateway
eip = ec2.allocate_address(Domain="vpc", TagSpecifications=tags("elastic-ip", name + "-eip"))["AllocationId"]
nat = ec2.create_nat_gateway(SubnetId=public[0], AllocationId=eip, TagSpecifications=tags("natgateway", name + "-nat"))["NatGateway"]["NatGatewayId"]
ec2.get_waiter("nat_gateway_available").wait(NatGatewayIds=[nat], WaiterConfig={"Delay": 1})
for rt in private_rts:
    ec2.create_route(RouteTableId=rt, DestinationCidrBlock="0.0.0.0/0", NatGatewayId=nat)

# 13 cluster and capacity provider
ecs.create_cluster(clusterName=name + "-cluster", tags=[{"key": "ecs-wizard:deployment", "value": name}])
ecs.create_capacity_provider(name=name + "-cp", autoScalingGroupProvider={"autoScalingGroupArn": asg_arn})
ecs.put_cluster_capacity_providers(cluster=name + "-cluster", capacityProviders=[name + "-cp"],
                                   defaultCapacityProviderStrategy=[{"capacityProvider": name + "-cp", "weight": 1}])

# 14 bastion
bami = ssm.get_parameter(Name="/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64")["Parameter"]["Value"]
inst = ec2.run_instances(ImageId=bami, InstanceType="t2.micro", MinCount=1, MaxCount=1, KeyName=name + "-key",
                         NetworkInterfaces=[{"DeviceIndex": 0, "SubnetId": public[0], "Groups": [bastion_sg], "AssociatePublicIpAddress": True}],
                         TagSpecifications=tags("instance", name + "-bastion"))["Instances"][0]["InstanceId"]
ec2.get_waiter("instance_running").wait(InstanceIds=[inst], WaiterConfig={"Delay": 1})

# 15 log group and task definition
logs.create_log_group(logGroupName="/ecs/" + name)
logs.put_retention_policy(logGroupName="/ecs/" + name, retentionInDays=30)
container = {"name": name, "image": f"{account}.dkr.ecr.{region}.amazonaws.com/{name}:3.3.2-cpu", "cpu": 0, "essential": True,
             "portMappings": [{"name": f"{name}-8080-tcp", "containerPort": 8080, "hostPort": 8080, "protocol": "tcp", "appProtocol": "http"}],
             "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "/ecs/" + name, "awslogs-region": region, "awslogs-stream-prefix": name}},
             "healthCheck": {"command": ["CMD-SHELL", "curl -f http://localhost:8080/healthz || exit 1"], "interval": 30, "timeout": 5, "retries": 3, "startPeriod": 60}}
volumes = []
if fs:
    container["mountPoints"] = [{"sourceVolume": name + "-volume", "containerPath": "/app/license", "readOnly": True}]
    volumes = [{"name": name + "-volume", "efsVolumeConfiguration": {"fileSystemId": fs, "rootDirectory": "/"}}]
ecs.register_task_definition(family=name + "-task", requiresCompatibilities=["EC2"], networkMode="awsvpc", cpu="1024", memory="14336",
                             runtimePlatform={"cpuArchitecture": "X86_64", "operatingSystemFamily": "LINUX"},
                             taskRoleArn=exec_role, executionRoleArn=exec_role, containerDefinitions=[container], volumes=volumes)

# 17 service, waited until stable
ecs.create_service(cluster=name + "-cluster", serviceName=name + "-service", taskDefinition=name + "-task", desiredCount=1,
                   capacityProviderStrategy=[{"capacityProvider": name + "-cp", "weight": 1}],
                   networkConfiguration={"awsvpcConfiguration": {"subnets": private, "securityGroups": [ecs_sg]}},
                   loadBalancers=[{"targetGroupArn": tg, "containerName": name, "containerPort": 8080}])
ecs.get_waiter("services_stable").wait(cluster=name + "-cluster", services=[name + "-service"], WaiterConfig={"Delay": 1})
print("peer: deployed", name)
