/* 14-bastion.c - guide section 14, "Create Bastion and Create License".
 *
 * A small Amazon Linux 2023 instance in the first public subnet with a
 * public address, the bastion group and the key pair. Its user data
 * installs amazon-efs-utils and mounts the file system at efs_mount_path
 * (the console's "Add shared file system" does the same). The license
 * copy over SSH is the SSH module's: a PLAN_LOCAL action. Marketplace
 * images carry their license, so there is no mount and no license. */
#include "config.h"

#include <stdio.h>

#include "i18n.h"
#include "plan-build.h"

#define AL2023_PARAMETER "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"

static int bastion_plan(const struct spec *s, struct plan *p, struct aws_error *err)
{
	char name[160], user_data[1024];
	struct plan_action *a;
	const char *mnt = s->efs_mount_path;

	(void)err;
	plan_add(p, 14, PLAN_LOOKUP, "ami-bastion", "ssm:parameter", AL2023_PARAMETER,
		 "ssm", "GetParameter", pj(p, "{'Name': %s}", AL2023_PARAMETER));
	if (s->marketplace)
		snprintf(user_data, sizeof user_data, "#!/bin/bash\n");
	else
		snprintf(user_data, sizeof user_data,
			 "#!/bin/bash\n"
			 "dnf install -y amazon-efs-utils\n"
			 "mkdir -p %s\n"
			 "echo '${efs.id}:/ %s efs _netdev,tls 0 0' >> /etc/fstab\n"
			 "mount -a -t efs\n",
			 mnt, mnt);
	plan_name(name, sizeof name, s, "-bastion");
	a = plan_add(p, 14, PLAN_CREATE, "bastion", "ec2:instance", name, "ec2",
		     "RunInstances",
		     pj(p, "{'ImageId': '${ami-bastion.Parameter.Value}', "
			   "'InstanceType': %s, 'MinCount': 1, 'MaxCount': 1, "
			   "'KeyName': '${keypair.id}', 'ClientToken': '${token.bastion}', "
			   "'NetworkInterfaces': [{'DeviceIndex': 0, "
			   "'SubnetId': '${subnet-public-1.id}', "
			   "'AssociatePublicIpAddress': true, 'DeleteOnTermination': true, "
			   "'Groups': ['${sg-bastion.id}']}], "
			   "'UserData': {'$base64': %s}, 'TagSpecifications': %j}",
			s->bastion_instance_type, user_data,
			plan_ec2_tags(p, s, "instance", name)));
	if (!s->marketplace)
		plan_depends(p, a, "efs-mount-1");
	plan_set_id(p, a, "Instances[0].InstanceId", NULL);
	plan_set_find(p, a, "ec2", "DescribeInstances",
		      pj(p, "{'Filters': [{'Name': 'tag:%S', 'Values': [%s]}, "
			    "{'Name': 'tag:Name', 'Values': [%s]}, "
			    "{'Name': 'instance-state-name', "
			    "'Values': ['pending', 'running']}]}",
			 PLAN_DEPLOYMENT_TAG, s->name, name),
		      "Reservations[0].Instances[0].InstanceId", NULL, NULL);
	plan_set_wait(p, a, "InstanceRunning", pj(p, "{'InstanceIds': ['${self.id}']}"));

	if (!s->marketplace)
		plan_add(p, 14, PLAN_LOCAL, "license", "local:license", "license.json", "",
			 "license",
			 pj(p, "{'license_file': %s, 'instance': '${bastion.id}', "
			       "'ssh_user': %s, 'path': %s}",
			    s->license_file, s->ssh_user, mnt));
	return 0;
}

static const char *const bastion_fields[] = { "bastion_instance_type", "ssh_user",
					      "efs_mount_path", "license_file", NULL };

const struct step step_bastion = {
	.id = "14-bastion",
	.section = 14,
	.title = N_("Create Bastion and Create License"),
	.summary = N_("A small host in a public subnet for reaching the cluster, "
		      "with the file system mounted, and the license file copied "
		      "onto it."),
	.fields = bastion_fields,
	.plan = bastion_plan,
};
