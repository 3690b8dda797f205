/**
 * Which Azure Functions hosting plan the process runs on, from the platform's WEBSITE_SKU variable
 * (App Service sets it to the plan's SKU; the Functions host reads "FlexConsumption" from it to detect Flex).
 */
export const FLEX_CONSUMPTION_SKU = 'FlexConsumption';

export function isFlexConsumption(env: Record<string, string | undefined>): boolean {
  return env.WEBSITE_SKU?.trim().toLowerCase() === FLEX_CONSUMPTION_SKU.toLowerCase();
}
