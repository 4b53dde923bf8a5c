"""Catalog: categories, products, SKUs with spec attributes, images, stock."""
