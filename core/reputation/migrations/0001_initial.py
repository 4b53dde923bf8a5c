from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('accounts', '0001_initial'), ('core', '0001_initial'), ('orders', '0002_refund_requests')]

    initial = True

    operations = [
        ops.CreateModel(
            name='Review',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('shop', fields.ForeignKeyField('core.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('order', fields.ForeignKeyField('orders.Order', source_field='order_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('order_line', fields.ForeignKeyField('orders.OrderLine', source_field='order_line_id', null=True, db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('product_id', fields.BigIntField(null=True, db_index=True)),
                ('customer', fields.ForeignKeyField('accounts.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='reviews', on_delete=OnDelete.RESTRICT)),
                ('rating', fields.SmallIntField()),
                ('body', fields.CharField(max_length=1000)),
                ('status', fields.CharField(default='visible', db_index=True, max_length=16)),
                ('hidden_by_platform', fields.BooleanField(default=False)),
                ('seller_reply', fields.CharField(default='', max_length=1000)),
                ('seller_reply_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('subject_key', fields.CharField(unique=True, max_length=40)),
            ],
            options={'table': 'review', 'app': 'reputation', 'pk_attr': 'id', 'table_description': "A buyer's review of one order line (or of the whole order when ``order_line`` is null)."},
            bases=['ShopScopedModel'],
        ),
        ops.CreateModel(
            name='ReviewAudit',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
                ('shop', fields.ForeignKeyField('core.Shop', source_field='shop_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('review', fields.ForeignKeyField('reputation.Review', source_field='review_id', db_constraint=True, to_field='id', related_name='audit', on_delete=OnDelete.RESTRICT)),
                ('actor', fields.ForeignKeyField('accounts.Customer', source_field='actor_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.RESTRICT)),
                ('actor_role', fields.CharField(max_length=16)),
                ('action', fields.CharField(max_length=16)),
                ('reason', fields.CharField(default='', max_length=255)),
                ('from_status', fields.CharField(default='', max_length=16)),
                ('to_status', fields.CharField(max_length=16)),
            ],
            options={'table': 'review_audit', 'app': 'reputation', 'pk_attr': 'id', 'table_description': 'Every change of a review: who, when, what, why, from which status to which. Append-only.'},
            bases=['ShopScopedModel'],
        ),
    ]
