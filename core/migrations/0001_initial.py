from tortoise import migrations
from tortoise.migrations import operations as ops
from orjson import loads
from tortoise.fields.base import OnDelete
from tortoise.fields.data import JSON_DUMPS
from tortoise import fields

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='Job',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('name', fields.CharField(db_index=True, max_length=120)),
                ('payload', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('status', fields.CharField(default='queued', db_index=True, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('max_attempts', fields.IntField(default=5)),
                ('run_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('leased_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('dedupe_key', fields.CharField(null=True, unique=True, max_length=200)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'job', 'app': 'core', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='Shop',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('slug', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=120)),
                ('status', fields.CharField(default='active', max_length=16)),
                ('notice', fields.TextField(default='', unique=False)),
                ('logo_url', fields.CharField(default='', max_length=500)),
                ('theme_options', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
            ],
            options={'table': 'shop', 'app': 'core', 'pk_attr': 'id'},
            bases=['TimestampedModel'],
        ),
        ops.CreateModel(
            name='ShopPluginSetting',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('shop', fields.ForeignKeyField('core.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name='plugin_settings', on_delete=OnDelete.CASCADE)),
                ('plugin', fields.CharField(max_length=64)),
                ('values', fields.JSONField(default=dict, encoder=JSON_DUMPS, decoder=loads)),
                ('updated_by', fields.CharField(default='', max_length=64)),
            ],
            options={'table': 'shop_plugin_setting', 'app': 'core', 'unique_together': (('shop', 'plugin'),), 'pk_attr': 'id', 'table_description': "A shop's overrides of one plugin's deployment settings (validated by its model)."},
            bases=['TimestampedModel'],
        ),
    ]
